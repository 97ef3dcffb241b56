package dev.worldws.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.worldws.api.UserId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;

/**
 * Mints HS256 JWTs that a {@link JwtAuthenticator} with the same secret accepts: {@code sub} = the user id,
 * {@code iat} and {@code exp}. Meant for tests, tools and small backends; any JWT library that signs HS256 with the
 * same secret works just as well.
 */
public final class JwtTokens {
    private JwtTokens() {}

    /**
     * Signs a token for {@code user}, issued at {@code issuedAt} and expiring at {@code expiresAt}.
     *
     * @throws IllegalArgumentException if the secret is shorter than 256 bits
     */
    public static String issue(byte[] secret, UserId user, Instant issuedAt, Instant expiresAt) {
        JwtAuthenticator.requireStrongSecret(secret);
        Objects.requireNonNull(user, "user");
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(user.value())
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("could not sign the token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /** Same as {@link #issue(byte[], UserId, Instant, Instant)} with the UTF-8 bytes of {@code secret}. */
    public static String issue(String secret, UserId user, Instant issuedAt, Instant expiresAt) {
        return issue(secret.getBytes(StandardCharsets.UTF_8), user, issuedAt, expiresAt);
    }
}
