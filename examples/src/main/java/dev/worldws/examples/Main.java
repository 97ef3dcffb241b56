package dev.worldws.examples;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the reference server: {@code java -jar world-ws-server.jar [--port 8080] [--data-dir ./data] ...}
 * ({@code --help} lists every option). Prints {@code Listening on http://HOST:PORT} once ready, shuts down
 * gracefully on SIGTERM or Ctrl-C and exits 0.
 */
public final class Main {
    /** Held so that the level set on it is not lost to garbage collection (JUL keeps loggers weakly). */
    private static final java.util.logging.Logger LIBRARY_LOGS = java.util.logging.Logger.getLogger("org.glassfish");

    private Main() {}

    public static void main(String[] args) {
        configureLogging();
        PrintStream out = System.out;
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                out.print(ServerConfig.usage());
                return;
            }
        }
        ServerConfig config;
        ReferenceServer server;
        try {
            config = ServerConfig.parse(args, System.getenv());
            MemorySettings.apply();
            server = ReferenceServer.start(config);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println("world-ws: " + e.getMessage());
            System.exit(2);
            return;
        }
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        out.println("Listening on http://" + host + ":" + server.port());
        out.println("WebSocket endpoint: ws://" + host + ":" + server.port() + config.path());
        out.flush();

        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable shutdown = () -> {
            if (stopping.compareAndSet(false, true)) {
                System.err.println("world-ws: shutting down");
                server.shutdown();
                System.err.println("world-ws: stopped");
                stopped.countDown();
            }
        };
        // SIGTERM/SIGINT handled directly so that the process exits 0 after a clean shutdown (the JVM's default
        // would exit 143/130); the shutdown hook covers the rest (System.exit elsewhere, signals not available)
        boolean signals = handle("TERM", shutdown) & handle("INT", shutdown);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shutdown.run();
        }, "world-ws-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (signals) {
            System.exit(0);
        }
    }

    private static boolean handle(String signal, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), ignored -> new Thread(action, "world-ws-" + signal).start());
            return true;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** One line per log record; the libraries' start-up chatter only from WARNING up. */
    private static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") == null) {
            for (java.util.logging.Handler handler : java.util.logging.Logger.getLogger("").getHandlers()) {
                handler.setFormatter(new LogLineFormatter());
            }
            LIBRARY_LOGS.setLevel(java.util.logging.Level.WARNING);
        }
    }
}
