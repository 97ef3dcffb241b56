package dev.worldws.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The key that signs anonymous resume tokens, stable across restarts so that an anonymous user can come back
 * after one: the configured {@code resume-secret} if there is one, else a random one generated on the first start
 * and kept in {@code DATA_DIR/.resume-token-secret} (readable by the owner only).
 */
final class ResumeSecret {
    static final String FILE_NAME = ".resume-token-secret";
    static final int MIN_BYTES = 32;
    private static final System.Logger LOG = System.getLogger(ResumeSecret.class.getName());

    private ResumeSecret() {}

    /**
     * The secret's bytes (the UTF-8 bytes of the configured or stored text, so a stored secret copied into another
     * server's {@code resume-secret} signs the same tokens).
     *
     * @throws IllegalArgumentException if the configured or stored secret is shorter than 32 bytes
     * @throws UncheckedIOException if the stored secret can be neither read nor created
     */
    static byte[] resolve(Optional<String> configured, Path dataDir) {
        if (configured.isPresent()) {
            return checked(configured.get(), "resume-secret");
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            return checked(Files.readString(file, StandardCharsets.UTF_8).strip(), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the resume-token secret " + file + ": "
                    + e.getMessage(), e);
        }
    }

    private static void create(Path file) throws IOException {
        byte[] random = new byte[MIN_BYTES];
        new SecureRandom().nextBytes(random);
        String text = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        // written whole under another name, then moved into place: a crash never leaves a torn secret
        Path temporary = file.resolveSibling(FILE_NAME + ".tmp-" + Long.toHexString(System.nanoTime()));
        Files.createFile(temporary, ownerOnly(file));
        try {
            Files.writeString(temporary, text + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException raced) {
                return;
            }
            LOG.log(System.Logger.Level.INFO, "generated the resume-token secret {0} (keep it to let anonymous users "
                    + "resume after a restart)", file);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path file) {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];
    }

    private static byte[] checked(String secret, String source) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException("the resume-token secret from " + source + " must have at least "
                    + MIN_BYTES + " bytes (has " + bytes.length + ")");
        }
        return bytes;
    }
}
