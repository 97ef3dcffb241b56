package dev.worldws.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies the sample templates shipped in the jar ({@code templates/index.txt} lists every file) into a data
 * directory that has no templates yet, so a first run has something to select.
 */
final class TemplateSeeder {
    private static final String ROOT = "templates/";

    private TemplateSeeder() {}

    /**
     * Seeds {@code templatesDir} if it has no template folder.
     *
     * @return how many files were copied (0 if templates were already there)
     */
    static int seedIfEmpty(Path templatesDir) {
        try {
            if (Files.isDirectory(templatesDir)) {
                try (var entries = Files.list(templatesDir)) {
                    if (entries.anyMatch(Files::isDirectory)) {
                        return 0;
                    }
                }
            }
            List<String> files = index();
            for (String file : files) {
                Path target = templatesDir.resolve(file).normalize();
                if (!target.startsWith(templatesDir)) {
                    throw new IllegalStateException("template index entry leaves the folder: " + file);
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = resource(ROOT + file)) {
                    if (in == null) {
                        throw new IllegalStateException("template index lists " + file + " but the jar has no such file");
                    }
                    Files.copy(in, target);
                }
            }
            return files.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot seed templates into " + templatesDir + ": " + e.getMessage(), e);
        }
    }

    private static List<String> index() throws IOException {
        List<String> files = new ArrayList<>();
        try (InputStream in = resource(ROOT + "index.txt")) {
            if (in == null) {
                return files;
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String trimmed = line.trim();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    files.add(trimmed);
                }
            }
        }
        return files;
    }

    private static InputStream resource(String name) {
        return TemplateSeeder.class.getClassLoader().getResourceAsStream(name);
    }
}
