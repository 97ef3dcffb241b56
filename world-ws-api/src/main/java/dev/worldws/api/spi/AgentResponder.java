package dev.worldws.api.spi;

import java.util.concurrent.CompletionStage;

/**
 * Produces an agent's reply to a message, streamed in chunks. The built-in offline responder needs no network;
 * an LLM-backed responder plugs in here.
 *
 * <p><b>Contract:</b> {@link ReplyListener#onChunk} is called zero or more times, sequentially, before the
 * returned stage completes; the stage completes with the whole reply (the chunks concatenated) or exceptionally.
 * Throwing from {@code respond} counts as an exceptional completion. The core then streams an {@code error} step
 * and the world goes on.
 *
 * <p><b>Threading:</b> called on the core's own executor, never a transport thread. The core runs one reply per
 * agent at a time; an implementation doing network I/O should complete asynchronously rather than block.
 * Cancelling the returned stage asks the responder to stop.
 */
@FunctionalInterface
public interface AgentResponder {

    CompletionStage<String> respond(ReplyRequest request, ReplyListener listener);
}
