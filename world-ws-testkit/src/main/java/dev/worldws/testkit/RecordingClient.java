package dev.worldws.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A client that records what the server sends, for contract tests over any transport.
 *
 * <p>A transport's test creates one, opens its own client socket with {@link #onText} and {@link #onClose} as the
 * socket's callbacks, and {@link #attach}es a {@link Socket} for sending. Tests then send frames and wait for
 * messages with timeouts ({@link #next()} throws {@link AssertionError} after {@link #DEFAULT_TIMEOUT}); they
 * never sleep.
 */
public final class RecordingClient {
    /** How long {@link #next()} and {@link #awaitClose()} wait. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The sending half of a client socket, implemented by the transport under test. */
    public interface Socket {
        void sendText(String text) throws Exception;

        void sendBinary(byte[] data) throws Exception;

        void close(int code, String reason) throws Exception;
    }

    /** How the connection ended, as the client saw it. */
    public record CloseStatus(int code, String reason) {
    }

    private final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile Socket socket;

    /** Connects the sending half. */
    public RecordingClient attach(Socket clientSocket) {
        this.socket = Objects.requireNonNull(clientSocket, "socket");
        return this;
    }

    // ---- callbacks for the transport's client socket ----

    /** A text message arrived from the server. */
    public void onText(String text) {
        received.add(text);
    }

    /** The connection closed with this code and reason (reported once; later reports are ignored). */
    public void onClose(int code, String reason) {
        closed.complete(new CloseStatus(code, reason == null ? "" : reason));
    }

    // ---- sending ----

    public void send(String text) {
        try {
            requireSocket().sendText(text);
        } catch (Exception e) {
            throw new AssertionError("sending failed: " + e, e);
        }
    }

    /** Sends {@code {"type": type, "id": <new id>, "payload": payload}} and returns the id. */
    public String request(String type, Map<String, ?> payload) {
        String id = "req-" + ids.incrementAndGet();
        send(requestFrame(type, id, payload));
        return id;
    }

    /** The text of a client request as docs/protocol.md writes it: {@code {"type", "id", "payload"}}. */
    public static String requestFrame(String type, String id, Map<String, ?> payload) {
        ObjectNode frame = JSON.createObjectNode();
        frame.put("type", type);
        frame.put("id", id);
        frame.set("payload", JSON.valueToTree(payload));
        return frame.toString();
    }

    /**
     * A server message, parsed.
     *
     * @throws AssertionError if it is not JSON (a server must never send that)
     */
    public static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("server sent invalid JSON: " + text, e);
        }
    }

    public void sendBinary(byte[] data) {
        try {
            requireSocket().sendBinary(data);
        } catch (Exception e) {
            throw new AssertionError("sending failed: " + e, e);
        }
    }

    public void close(int code, String reason) {
        try {
            requireSocket().close(code, reason);
        } catch (Exception e) {
            throw new AssertionError("closing failed: " + e, e);
        }
    }

    private Socket requireSocket() {
        Socket current = socket;
        if (current == null) {
            throw new IllegalStateException("no socket attached");
        }
        return current;
    }

    // ---- receiving ----

    /** The next message, parsed; fails after {@link #DEFAULT_TIMEOUT}. */
    public JsonNode next() {
        return next(DEFAULT_TIMEOUT);
    }

    public JsonNode next(Duration timeout) {
        String text;
        try {
            text = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a message", e);
        }
        if (text == null) {
            throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for a server message"
                    + (closed.isDone() ? " (connection closed: " + closed.join() + ")" : ""));
        }
        return parse(text);
    }

    /** The next message satisfying {@code match}, skipping others. */
    public JsonNode next(Predicate<JsonNode> match) {
        while (true) {
            JsonNode message = next();
            if (match.test(message)) {
                return message;
            }
        }
    }

    /** The next message of this type, skipping others. */
    public JsonNode nextOfType(String type) {
        return next(message -> type.equals(message.path("type").asText()));
    }

    /** The next message answering request {@code id}. */
    public JsonNode replyTo(String id) {
        return next(message -> id.equals(message.path("replyTo").asText(null)));
    }

    /**
     * The next message answering request {@code id}, skipping others; empty if the connection closes before the
     * answer comes. Fails after {@link #DEFAULT_TIMEOUT} if neither happens.
     */
    public Optional<JsonNode> replyToUnlessClosed(String id) {
        long deadline = System.nanoTime() + DEFAULT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String text;
            try {
                text = received.poll(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for a message", e);
            }
            if (text != null) {
                JsonNode message = parse(text);
                if (id.equals(message.path("replyTo").asText(null))) {
                    return Optional.of(message);
                }
            } else if (closed.isDone() && received.isEmpty()) {
                return Optional.empty();
            }
        }
        throw new AssertionError("timed out after " + DEFAULT_TIMEOUT.toMillis() + " ms waiting for the answer to " + id);
    }

    /**
     * Floods the server with pings the way a misbehaving client would, yet one at a time: each ping is sent once
     * the previous one is answered (by {@code pong} or an error), until the server closes the connection or
     * {@code maxFrames} were sent. Lockstep keeps the test deterministic: when the server closes, it has read every
     * frame, so its TCP stack never resets the connection over unread data (which a client would see as 1006).
     *
     * @return the answers' types, with errors given by their code (for example {@code pong}, {@code rate_limited})
     */
    public List<String> floodWithPingsInLockstep(int maxFrames) {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < maxFrames && !isClosed(); i++) {
            String id;
            try {
                id = request("ping", Map.of());
            } catch (AssertionError | RuntimeException closedMeanwhile) {
                break;
            }
            Optional<JsonNode> answer = replyToUnlessClosed(id);
            if (answer.isEmpty()) {
                break;
            }
            JsonNode message = answer.get();
            answers.add(message.path("type").asText().equals("error")
                    ? message.path("payload").path("code").asText()
                    : message.path("type").asText());
        }
        return answers;
    }

    /** Messages up to and including the first one satisfying {@code last}. */
    public List<JsonNode> until(Predicate<JsonNode> last) {
        List<JsonNode> messages = new ArrayList<>();
        while (true) {
            JsonNode message = next();
            messages.add(message);
            if (last.test(message)) {
                return messages;
            }
        }
    }

    /** Waits for the close; fails after {@link #DEFAULT_TIMEOUT}. */
    public CloseStatus awaitClose() {
        try {
            return closed.get(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("connection did not close within " + DEFAULT_TIMEOUT.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }
}
