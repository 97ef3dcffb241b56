package dev.worldws.core.protocol;

import dev.worldws.api.WorldWsException;
import dev.worldws.api.protocol.ErrorCode;
import dev.worldws.api.world.Extras;
import java.util.Map;

/**
 * A client frame could not be decoded into a request. Carries the wire error code, the request id if the frame
 * had a readable one (so the error can answer it), and details such as the offending {@code field}.
 */
public final class ProtocolException extends WorldWsException {
    private final ErrorCode errorCode;
    private final String requestId;
    private final Map<String, Object> details;

    public ProtocolException(ErrorCode errorCode, String message, String requestId, Map<String, Object> details) {
        super(errorCode.code(), message);
        this.errorCode = errorCode;
        this.requestId = requestId;
        this.details = Extras.copyOf(details);
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    /** The id of the request that failed, or {@code null} if the frame had none (or it was unreadable). */
    public String requestId() {
        return requestId;
    }

    /** Machine-readable details, for example {@code {"field": "payload.worldName"}}. */
    public Map<String, Object> details() {
        return details;
    }

    ProtocolException withRequestId(String id) {
        return new ProtocolException(errorCode, getMessage(), id, details);
    }
}
