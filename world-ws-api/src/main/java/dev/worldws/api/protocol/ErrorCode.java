package dev.worldws.api.protocol;

import java.util.Optional;

/**
 * The stable error codes of the wire protocol. A code never changes meaning once published; new ones may be
 * added. {@code docs/protocol.md} documents each with an example.
 */
public enum ErrorCode {
    INVALID_JSON("invalid_json", "the frame is not a JSON object"),
    UNKNOWN_TYPE("unknown_type", "the message type is not one the server knows"),
    INVALID_PAYLOAD("invalid_payload", "a field is missing, has the wrong type, or is out of range"),
    INVALID_NAME("invalid_name", "a user, world, template or agent name breaks the naming rule"),
    TEMPLATE_NOT_FOUND("template_not_found", "no template of that name"),
    WORLD_NOT_FOUND("world_not_found", "the user has no world of that name"),
    WORLD_EXISTS("world_exists", "the user already has a world of that name"),
    AGENT_NOT_FOUND("agent_not_found", "the selected world has no agent of that name"),
    WORLD_NOT_SELECTED("world_not_selected", "the request needs a selected world; send world_select first"),
    RATE_LIMITED("rate_limited", "too many messages; slow down"),
    MESSAGE_TOO_LARGE("message_too_large", "the frame exceeds the server's size limit"),
    UNSUPPORTED_FRAME("unsupported_frame", "binary frames are not part of the protocol"),
    UNAUTHORIZED("unauthorized", "the credential was refused"),
    CORRUPT_WORLD("corrupt_world", "a stored file of the world could not be read"),
    STORAGE_ERROR("storage_error", "the world could not be read or written"),
    BUSY("busy", "the world has too much pending work; retry later"),
    INTERNAL("internal", "an unexpected server error; the request had no effect or a partial one that was logged");

    private final String code;
    private final String meaning;

    ErrorCode(String code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The code as it appears on the wire. */
    public String code() {
        return code;
    }

    /** A short explanation, for documentation and default messages. */
    public String meaning() {
        return meaning;
    }

    public static Optional<ErrorCode> fromCode(String code) {
        for (ErrorCode value : values()) {
            if (value.code.equals(code)) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
