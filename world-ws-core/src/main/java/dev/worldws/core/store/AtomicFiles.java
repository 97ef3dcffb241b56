package dev.worldws.core.store;

import dev.worldws.api.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Writes files so that a crash leaves the old content or the new, never a torn file: the bytes go to a temporary
 * file in the same directory, are forced to disk, and the temporary file is renamed over the target.
 *
 * <p>Files whose bytes would not change are not rewritten: a world is saved after every chat message, and most of
 * its files are unchanged each time.
 *
 * <p>With {@link Durability#WRITE_BACK}, a small file (at most one page) whose new bytes are at least as long as
 * its old ones (a chat's counters, an agent's call count: the files that change on every save, and grow by a digit
 * now and then) is overwritten in place by one write from its start instead: the write covers every old byte, so a
 * crash of the process leaves the old bytes or the new ones, and no new file is created per save (on a busy ext4
 * volume, allocating and freeing an inode per save cost more CPU than everything else a save does). A file that
 * would shrink is replaced, since cutting it would take a second step. Only a regular file with a single link is
 * overwritten so: never through a symbolic link or into a file hard-linked elsewhere (say, into a template).
 */
class AtomicFiles {
    /**
     * The open options of the hot paths as sets made once: {@code FileChannel.open(Path, OpenOption...)} builds a
     * {@code HashSet} per call, and a save opens every file it writes.
     */
    static final Set<OpenOption> WRITE_NO_FOLLOW = Set.of(StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    static final Set<OpenOption> READ_WRITE_NO_FOLLOW =
            Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    private static final Set<OpenOption> CREATE_NEW_WRITE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    private static final System.Logger LOG = System.getLogger(AtomicFiles.class.getName());

    /** The largest file overwritten in place: one page, written by the kernel in one piece. */
    private static final int IN_PLACE_MAX_BYTES = 4096;

    private final Durability durability;

    AtomicFiles() {
        this(Durability.FSYNC);
    }

    AtomicFiles(Durability durability) {
        this.durability = java.util.Objects.requireNonNull(durability, "durability");
    }

    /** Whether written files and renames are forced to the device before a write returns. */
    boolean forces() {
        return durability == Durability.FSYNC;
    }

    /** Forces a file's bytes to the device, if this store forces its writes. */
    void force(FileChannel channel) throws IOException {
        if (forces()) {
            channel.force(true);
        }
    }

    /** Makes the renames in {@code directory} durable, if this store forces its writes. */
    void forceRenames(Path directory) {
        if (forces()) {
            forceDirectory(directory);
        }
    }

    /**
     * Writes {@code bytes} to {@code target} atomically, unless it already holds exactly those bytes.
     *
     * @return whether the file was written
     * @throws StorageException if the write failed; {@code target} is then as it was and no temporary file remains
     */
    boolean write(Path target, byte[] bytes) {
        if (holds(target, bytes)) {
            return false;
        }
        replace(target, bytes);
        return true;
    }

    /**
     * Writes {@code bytes} to {@code target} atomically without first comparing them with what it holds: for a
     * caller that knows the content changed.
     *
     * @throws StorageException if the write failed; {@code target} is then as it was and no temporary file remains
     */
    void replace(Path target, byte[] bytes) {
        if (!forces() && overwriteInPlace(target, bytes)) {
            return;
        }
        Path temporary = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            writeNew(temporary, bytes);
            beforeRename(temporary, target);
            move(temporary, target);
            forceRenames(target.getParent());
            return;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temporary);
            throw new StorageException("could not write " + target + ": " + describe(e), e);
        }
    }

    /**
     * Writes {@code bytes} to {@code target}, a new file in a folder nobody else sees yet (a clone being assembled,
     * renamed into place whole afterwards), so no temporary file is needed; forced to the device if this store
     * forces its writes.
     *
     * @throws StorageException if {@code target} exists or the write failed
     */
    void create(Path target, byte[] bytes) {
        try {
            beforeCreate(target);
            writeNew(target, bytes);
        } catch (IOException | RuntimeException e) {
            throw new StorageException("could not write " + target + ": " + describe(e), e);
        }
    }

    /** Writes {@code bytes} to {@code target}, which must not exist yet, forced if this store forces its writes. */
    private void writeNew(Path target, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(target, CREATE_NEW_WRITE)) {
            writeAt(channel, bytes, 0);
            force(channel);
        }
    }

    /** Writes all of {@code bytes} into {@code channel} from {@code position} on. */
    static void writeAt(FileChannel channel, byte[] bytes, long position) throws IOException {
        writeAt(channel, bytes, bytes.length, position);
    }

    /** Writes the first {@code length} bytes of {@code bytes} into {@code channel} from {@code position} on. */
    static void writeAt(FileChannel channel, byte[] bytes, int length, long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
        while (buffer.hasRemaining()) {
            channel.write(buffer, position + buffer.position());
        }
    }

    /**
     * What one {@code stat} of a file says: whether it is a regular file, its size, its modification time and its
     * link count ({@code -1} where the file system has no "unix" attribute view, so the count is unknown).
     */
    record FileState(boolean regular, long size, FileTime modified, int links) {
        /** The state of {@code file}, not following a symbolic link; null if it is missing or cannot be read. */
        static FileState of(Path file) {
            try {
                Map<String, Object> attributes = Files.readAttributes(file, "unix:isRegularFile,size,lastModifiedTime,nlink",
                        LinkOption.NOFOLLOW_LINKS);
                return new FileState(Boolean.TRUE.equals(attributes.get("isRegularFile")), (Long) attributes.get("size"),
                        (FileTime) attributes.get("lastModifiedTime"),
                        attributes.get("nlink") instanceof Integer links ? links : -1);
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                return withoutLinks(file);
            } catch (IOException e) {
                return null;
            }
        }

        /**
         * The state of {@code file} without its link count ({@code -1}), for checks that need only its kind, size and
         * time: the same one {@code stat}, but read into one attributes object instead of a map of named attributes.
         */
        static FileState withoutLinks(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                return new FileState(attributes.isRegularFile(), attributes.size(), attributes.lastModifiedTime(), -1);
            } catch (IOException e) {
                return null;
            }
        }

        /** A regular file known to have a single link: writing into it changes this file only. */
        boolean singleLink() {
            return regular && links == 1;
        }

        /** Known to have more than one link: writing into it would change another name's content too. */
        boolean linkedElsewhere() {
            return links > 1;
        }
    }

    /**
     * The state of {@code file} if it is a regular file with a single link: neither a symbolic link nor hard-linked
     * elsewhere (say, into a template), so that writing into it changes this file only. Null otherwise, also if it
     * is missing or the file system has no "unix" attribute view.
     */
    static FileState singleLink(Path file) {
        FileState state = FileState.of(file);
        return state != null && state.singleLink() ? state : null;
    }

    /** A seam for tests to fail the creation of a file in {@link #create}. */
    void beforeCreate(Path target) throws IOException {
        // nothing in production
    }

    /**
     * Overwrites a file no longer than {@code bytes} in place (see the class comment); false if it cannot be done so.
     */
    private static boolean overwriteInPlace(Path target, byte[] bytes) {
        if (bytes.length > IN_PLACE_MAX_BYTES) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(target, WRITE_NO_FOLLOW)) {
            // one stat, by name: the opened file's own size (FileChannel.size, one more system call per write) could
            // differ from it only if the file was replaced since the open, and then these bytes go to a file that no
            // longer has this name
            FileState file = singleLink(target);
            if (file == null || file.size() > bytes.length) {
                return false;
            }
            writeAt(channel, bytes, 0);
            return true;
        } catch (IOException e) {
            return false; // a link, or a failed write: the atomic rename writes it whole
        }
    }

    /** A seam for tests to fail a write after the temporary file is complete, before the rename. */
    void beforeRename(Path temporary, Path target) throws IOException {
        // nothing in production
    }

    static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // same directory, so this only happens on exotic file systems; a plain replace is the best left
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes a rename durable; not every platform can open a directory, which only costs durability there. */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.TRACE, "cannot force directory " + directory + ": " + e);
        }
    }

    private static boolean holds(Path target, byte[] bytes) {
        try {
            BasicFileAttributes held = Files.readAttributes(target, BasicFileAttributes.class); // one stat for both
            if (!held.isRegularFile() || held.size() != bytes.length) {
                return false;
            }
            return Arrays.equals(Files.readAllBytes(target), bytes);
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not remove temporary file " + path + ": " + e);
        }
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + message;
    }
}
