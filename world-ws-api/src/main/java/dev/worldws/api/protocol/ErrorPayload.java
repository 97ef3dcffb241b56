package dev.worldws.api.protocol;

import dev.worldws.api.world.Extras;
import java.util.Map;
import java.util.Objects;

/**
 * {@code error}: a request failed, or a frame could not be accepted.
 *
 * @param code a stable code from {@link ErrorCode}
 * @param message what went wrong, naming the offending field or value
 * @param details machine-readable details (for example {@code field}), possibly empty
 */
public record ErrorPayload(String code, String message, Map<String, Object> details) implements ServerPayload {
    public ErrorPayload {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        details = Extras.copyOf(details);
    }

    public static ErrorPayload of(ErrorCode code, String message) {
        return new ErrorPayload(code.code(), message, Map.of());
    }

    @Override
    public ServerMessageType messageType() {
        return ServerMessageType.ERROR;
    }
}
