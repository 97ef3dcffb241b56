package dev.worldws.api.spi;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One client connection as the core sees it: an id, a way to send text, a way to close. Adapters implement it
 * over a real socket (Jakarta WebSocket) or in memory; the core never sees the underlying session.
 *
 * <p><b>Sending:</b> {@link #send} never blocks and never throws; the outcome is reported through the returned
 * stage. The core keeps at most one send outstanding per transport (it queues the rest itself), so adapters need
 * not handle concurrent sends, which some containers reject.
 *
 * <p><b>Threading:</b> all methods may be called from any thread. {@link #close} is idempotent.
 *
 * <p>Every implementation passes {@code dev.worldws.testkit.TransportContract}.
 */
public interface Transport {

    /** A unique id for this connection, stable for its lifetime. */
    String id();

    /**
     * Sends one text message.
     *
     * @return completes normally when the message was handed to the network, exceptionally if it could not be
     *         (the connection closed, the write failed)
     */
    CompletionStage<Void> send(String text);

    /**
     * Sends several text messages, each as its own WebSocket message, in list order; the outstanding-send rule of
     * {@link #send} counts the whole call as one send. An adapter that can should write them together (one socket
     * write for all the frames instead of one per frame: a streamed reply is dozens of small messages produced in
     * a burst). The default sends them one after another through {@link #send}. Never blocks, never throws.
     *
     * @param texts the messages, at least one
     * @return completes normally when every message was handed to the network, exceptionally as soon as one could
     *         not be (the later ones are then not sent)
     */
    default CompletionStage<Void> sendAll(List<String> texts) {
        CompletionStage<Void> sent = CompletableFuture.completedStage(null);
        for (String text : texts) {
            sent = sent.thenCompose(ignored -> send(text));
        }
        return sent;
    }

    /**
     * Sends a protocol-level ping, if this transport has them. The adapter reports the pong to the core.
     *
     * @return whether a ping was sent; {@code false} means the core must rely on client traffic alone
     */
    default boolean ping() {
        return false;
    }

    /** Closes the connection with a WebSocket close code and a reason (at most 123 bytes of UTF-8); idempotent. */
    void close(int code, String reason);

    /** Whether the connection is still open. */
    boolean isOpen();
}
