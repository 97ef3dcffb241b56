package dev.worldws.core;

/**
 * The core's side of one open connection: a transport adapter forwards what arrives to it.
 *
 * <p><b>Threading:</b> the adapter calls these methods from its own (transport) threads; for one connection it
 * calls them one at a time, in arrival order. Every method returns quickly and never blocks: the work is handed
 * to the core's executors.
 */
public interface ConnectionHandler {

    /** A text frame arrived (already within the transport's size limit). */
    void onText(String text);

    /** A binary frame arrived; the protocol has none, so the client gets an {@code unsupported_frame} error. */
    void onBinary(int length);

    /** A frame larger than the limit arrived and was discarded by the adapter. */
    void onTooLarge(long length);

    /** A pong (answer to {@link dev.worldws.api.spi.Transport#ping()}) arrived. */
    void onPong();

    /** The connection closed, for whatever reason; called at most once. */
    void onClose(int code, String reason);
}
