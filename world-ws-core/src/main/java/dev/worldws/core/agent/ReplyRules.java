package dev.worldws.core.agent;

import dev.worldws.api.event.MessageEvent;
import dev.worldws.api.event.SenderType;
import dev.worldws.api.world.Agent;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which agents answer a message: agent-world's rules ({@code shouldAgentRespond}).
 * <ul>
 *   <li>An inactive agent never answers; an agent never answers itself, the system, or a "Turn limit reached"
 *       message.</li>
 *   <li>A human (or world) message without any {@code @mention} is answered by every agent; one whose mentions
 *       are all in mid-text by none; otherwise only by the agents mentioned at the start of a paragraph.</li>
 *   <li>An agent's message is answered only by agents mentioned at the start of a paragraph.</li>
 *   <li>The turn limit ({@link #mustStop}) is checked separately: an agent at the limit posts
 *       {@link #turnLimitMessage} instead of answering, and a human or world message resets every count.</li>
 * </ul>
 * A mention matches an agent's id or its name with spaces as dashes, ignoring case. A paragraph may start with
 * several mentions ({@code @a @b hello} or {@code @a, @b: hello}).
 */
public final class ReplyRules {
    /** The marker agents never answer, and the start of what an agent says at its turn limit. */
    public static final String TURN_LIMIT_MARKER = "Turn limit reached";

    private static final Pattern ANY_MENTION = Pattern.compile("(?:^|[^A-Za-z0-9._@-])@([A-Za-z0-9][A-Za-z0-9._-]*)");

    private ReplyRules() {}

    /** Whether {@code agent} answers {@code message}, before the turn limit is considered. */
    public static boolean shouldRespond(Agent agent, MessageEvent message) {
        if (!agent.config().active()) {
            return false;
        }
        if (message.sender().equalsIgnoreCase(agent.id().value()) || message.senderType() == SenderType.SYSTEM) {
            return false;
        }
        if (message.content().contains(TURN_LIMIT_MARKER)) {
            return false;
        }
        Set<String> leading = paragraphMentions(message.content());
        boolean mentioned = leading.contains(agent.id().value().toLowerCase(Locale.ROOT))
                || leading.contains(agent.config().name().toLowerCase(Locale.ROOT).replace(' ', '-'));
        if (message.senderType() == SenderType.AGENT) {
            return mentioned;
        }
        if (leading.isEmpty()) {
            return !hasAnyMention(message.content());
        }
        return mentioned;
    }

    /** Whether the agent has used up its turns and must hand back to a human. */
    public static boolean mustStop(Agent agent, int turnLimit) {
        return agent.config().llmCallCount() >= turnLimit;
    }

    /** Whether a message from this sender type resets every agent's turn count. */
    public static boolean resetsTurns(SenderType senderType) {
        return senderType == SenderType.HUMAN || senderType == SenderType.WORLD;
    }

    /** What an agent says when it reaches its turn limit. */
    public static String turnLimitMessage(int llmCalls) {
        return "@human " + TURN_LIMIT_MARKER + " (" + llmCalls + " LLM calls). Please take over the conversation.";
    }

    /** The names mentioned at the start of a paragraph, lower-cased, in order of appearance. */
    public static Set<String> paragraphMentions(String content) {
        if (content.indexOf('@') < 0) {
            return Set.of(); // most messages: no split, no set
        }
        Set<String> names = new LinkedHashSet<>();
        for (String paragraph : content.split("\n", -1)) {
            int i = skipSpace(paragraph, 0);
            while (i < paragraph.length() && paragraph.charAt(i) == '@') {
                int start = ++i;
                while (i < paragraph.length() && isNameChar(paragraph.charAt(i))) {
                    i++;
                }
                String name = trimTrailingPunctuation(paragraph.substring(start, i));
                if (name.isEmpty()) {
                    break;
                }
                names.add(name.toLowerCase(Locale.ROOT));
                while (i < paragraph.length() && (paragraph.charAt(i) == ',' || paragraph.charAt(i) == ':'
                        || Character.isWhitespace(paragraph.charAt(i)))) {
                    i++;
                }
            }
        }
        return names;
    }

    /** Whether the content mentions anybody anywhere. */
    public static boolean hasAnyMention(String content) {
        if (content.indexOf('@') < 0) {
            return false;
        }
        Matcher matcher = ANY_MENTION.matcher(content);
        return matcher.find();
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                || c == '-';
    }

    private static String trimTrailingPunctuation(String name) {
        int end = name.length();
        while (end > 0 && (name.charAt(end - 1) == '.' || name.charAt(end - 1) == '-')) {
            end--;
        }
        return name.substring(0, end);
    }
}
