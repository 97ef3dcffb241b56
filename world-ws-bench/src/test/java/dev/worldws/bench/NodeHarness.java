package dev.worldws.bench;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the Node side of the harness in {@code bench/}: the baseline servers and the load generator, as child
 * processes on loopback, each bounded in time.
 */
final class NodeHarness {
    private static final Pattern LISTENING = Pattern.compile("Listening on http://([^\\s:/]+):(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeHarness() {}

    /** The repository's {@code bench/} folder (tests run in the module folder). */
    static Path benchDir() {
        return Path.of("").toAbsolutePath().getParent().resolve("bench");
    }

    /**
     * Skips the test on a developer machine without Node or without {@code npm ci --prefix bench}; on CI
     * (environment variable {@code CI} set) that is a failure, so the smoke test never passes by not running.
     */
    static void requireNode() {
        String missing = null;
        if (!Files.isDirectory(benchDir().resolve("node_modules/ws"))) {
            missing = "bench/node_modules is missing: run `npm ci --prefix bench`";
        } else if (!nodeRuns()) {
            missing = "node is not on the PATH (Node 20+ is needed for bench/)";
        }
        if (missing == null) {
            return;
        }
        if (System.getenv("CI") != null) {
            fail(missing + " (CI is set, so the harness smoke test may not be skipped)");
        }
        Assumptions.abort(missing);
    }

    private static boolean nodeRuns() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A started server process and the address it printed. */
    record Server(Process process, String host, int port, List<String> output) implements AutoCloseable {
        String wsUrl() {
            return "ws://" + host + ":" + port + "/ws";
        }

        String httpUrl() {
            return "http://" + host + ":" + port;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Starts {@code bench/baselines/<script>} on a free loopback port and waits for its "Listening on" line. */
    static Server startBaseline(String script, Path dataDir, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("node", benchDir().resolve("baselines").resolve(script).toString(),
                "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir.toString()));
        cmd.addAll(List.of(extra));
        return start(cmd, Duration.ofSeconds(30));
    }

    static Server start(List<String> cmd, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.add(line);
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "server-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    return new Server(p, m.group(1), Integer.parseInt(m.group(2)), output);
                }
            } else if (!p.isAlive()) {
                break;
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("server did not print 'Listening on' in time: " + cmd + "\n" + String.join("\n", output));
    }

    /** Runs {@code bench/loadgen/cli.js} with {@code args} and returns the JSON result it prints. */
    static JsonNode loadgen(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("node", benchDir().resolve("loadgen/cli.js").toString(),
                "--max-seconds", String.valueOf(timeout.toSeconds())));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out;
        try (var in = p.getInputStream()) {
            out = in.readAllBytes(); // the load generator exits by itself after --max-seconds at the latest
        }
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String text = new String(out, StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            throw new IllegalStateException("load generator failed (" + p.exitValue() + "): " + text);
        }
        return JSON.readTree(text.substring(text.lastIndexOf('\n') + 1));
    }
}
