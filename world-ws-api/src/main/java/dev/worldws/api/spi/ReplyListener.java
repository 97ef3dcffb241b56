package dev.worldws.api.spi;

/** Receives the chunks of a reply as they are produced. Never called concurrently with itself. */
@FunctionalInterface
public interface ReplyListener {
    void onChunk(String chunk);
}
