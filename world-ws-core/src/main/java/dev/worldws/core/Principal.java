package dev.worldws.core;

import dev.worldws.api.UserId;
import java.util.Objects;

/**
 * The user a connection acts for, after authentication: a known user, or an anonymous one with a generated id.
 *
 * @param userId the user's id (generated, {@code anon-<uuid>}, for anonymous users)
 * @param anonymous whether the user is anonymous, so that its worlds are deleted after it leaves
 */
public record Principal(UserId userId, boolean anonymous) {
    public Principal {
        Objects.requireNonNull(userId, "userId");
    }
}
