import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the browser suite from Maven ({@code java RunBrowserTests.java <server jar> <skipTests>}, in this folder).
 *
 * <p>Written in Java, not a shell script, so the build can tell "node or chromium is not installed" apart from a
 * failing test on any machine. On a laptop without them the suite is skipped with a clear line; where the
 * environment variable {@code CI} is set, a missing tool fails the build, because there the suite must run.
 */
public final class RunBrowserTests {
    private static final long SUITE_TIMEOUT_MINUTES = 5;

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "../target/world-ws-server.jar").toAbsolutePath();
        if (args.length > 1 && "true".equalsIgnoreCase(args[1])) {
            System.out.println("browser tests skipped: -DskipTests");
            return;
        }
        String chromium = System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium");
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(Path.of(chromium))) {
            missing.add("chromium (" + chromium + ")");
        }
        if (!answers("node", "--version")) {
            missing.add("node");
        }
        if (!Files.isDirectory(Path.of("node_modules", "playwright-core")) && !answers("npm", "--version")) {
            missing.add("npm");
        }
        if (!missing.isEmpty()) {
            String what = String.join(", ", missing);
            if (isSet(System.getenv("CI"))) {
                System.err.println("browser tests cannot run, missing: " + what + ". .ci/run must install them.");
                System.exit(1);
            }
            System.out.println("browser tests skipped: install chromium (see .ci/run); missing: " + what);
            return;
        }
        if (!Files.isDirectory(Path.of("node_modules", "playwright-core"))) {
            int installed = run(List.of("npm", "ci", "--no-audit", "--no-fund"), jar);
            if (installed != 0) {
                System.exit(installed);
            }
        }
        System.exit(run(List.of("node", "--test", "--test-concurrency=1", "tests/"), jar));
    }

    private static int run(List<String> command, Path jar) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put("WWS_SERVER_JAR", jar.toString());
        Process process = builder.start();
        if (!process.waitFor(SUITE_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            System.err.println(String.join(" ", command) + " did not finish within " + SUITE_TIMEOUT_MINUTES + " minutes");
            return 1;
        }
        return process.exitValue();
    }

    private static boolean answers(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank() && !"false".equalsIgnoreCase(value) && !"0".equals(value);
    }

    private RunBrowserTests() {}
}
