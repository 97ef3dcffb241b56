package dev.worldws.core.agent;

import dev.worldws.api.spi.AgentResponder;
import dev.worldws.api.spi.ReplyListener;
import dev.worldws.api.spi.ReplyRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** See {@link AgentResponders#offline()}. */
enum OfflineResponder implements AgentResponder {
    INSTANCE;

    static final String DEFAULT_REPLY = "{agent} heard {sender}: {message}";

    @Override
    public CompletionStage<String> respond(ReplyRequest request, ReplyListener listener) {
        List<String> replies = replies(request.agent().config().extra().get(AgentResponders.OFFLINE_REPLIES));
        String template = replies.isEmpty() ? DEFAULT_REPLY
                : replies.get((int) Math.floorMod(request.replyNumber(), (long) replies.size()));
        String reply = template
                .replace("{sender}", request.message().sender())
                .replace("{agent}", request.agent().config().name())
                .replace("{world}", request.world().worldName().value())
                .replace("{message}", request.message().content());
        for (String chunk : words(reply)) {
            listener.onChunk(chunk);
        }
        return CompletableFuture.completedFuture(reply);
    }

    private static List<String> replies(Object configured) {
        List<String> replies = new ArrayList<>();
        if (configured instanceof List<?> list) {
            for (Object entry : list) {
                if (entry instanceof String text && !text.isEmpty()) {
                    replies.add(text);
                }
            }
        } else if (configured instanceof String text && !text.isEmpty()) {
            replies.add(text);
        }
        return replies;
    }

    /** Splits after each run of spaces, so the chunks concatenate back to the reply exactly. */
    static List<String> words(String text) {
        List<String> chunks = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            chunks.add(text.substring(start, i));
            start = i;
        }
        return chunks;
    }
}
