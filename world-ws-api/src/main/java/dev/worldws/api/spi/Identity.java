package dev.worldws.api.spi;

import dev.worldws.api.UserId;
import java.util.Objects;
import java.util.Optional;

/** Who a connection belongs to, as an {@link Authenticator} decided: a known user, or an anonymous guest. */
public final class Identity {
    private static final Identity ANONYMOUS = new Identity(null);

    private final UserId userId;

    private Identity(UserId userId) {
        this.userId = userId;
    }

    public static Identity anonymous() {
        return ANONYMOUS;
    }

    public static Identity known(UserId userId) {
        return new Identity(Objects.requireNonNull(userId, "userId"));
    }

    public boolean isAnonymous() {
        return userId == null;
    }

    /** The known user's id; empty for an anonymous guest. */
    public Optional<UserId> userId() {
        return Optional.ofNullable(userId);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Identity that && Objects.equals(userId, that.userId);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(userId);
    }

    @Override
    public String toString() {
        return userId == null ? "anonymous" : "user " + userId;
    }
}
