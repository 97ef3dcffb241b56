package dev.worldws.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.worldws.api.AuthenticationException;
import dev.worldws.api.InvalidNameException;
import dev.worldws.api.UserId;
import dev.worldws.api.spi.Authenticator;
import dev.worldws.api.spi.Handshake;
import dev.worldws.api.spi.Identity;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;

/**
 * Authenticates handshakes by a JWT signed with HS256 and a shared secret.
 *
 * <p>The credential is read from {@code Authorization: Bearer <jwt>} or, for browsers (which cannot set headers
 * on a WebSocket), from the {@code ?token=} query parameter ({@link Handshake#bearerToken()}). A token is accepted
 * when its header names {@code HS256}, its signature verifies with the secret, its {@code sub} is a valid
 * {@link UserId}, and the injected clock lies before {@code exp} (and not before {@code nbf}), both with a small
 * allowance for clock skew. The user is then {@link Identity#known known} with the id from {@code sub}.
 *
 * <p>A handshake without any token is let in as {@linkplain Identity#anonymous() anonymous}, unless
 * {@link Builder#tokenRequired(boolean) a token is required}. Every refusal is an {@link AuthenticationException}
 * whose message says what was wrong and never repeats the token.
 *
 * <p>Thread-safe and non-blocking: verification is a local HMAC computation (a few microseconds).
 */
public final class JwtAuthenticator implements Authenticator {
    /** The shortest secret accepted: HS256 needs at least 256 bits. */
    public static final int MIN_SECRET_BYTES = 32;

    private static final int MAX_TOKEN_CHARS = 8192;

    private final MACVerifier verifier;
    private final Clock clock;
    private final boolean tokenRequired;
    private final boolean expiryRequired;
    private final Duration clockSkew;

    private JwtAuthenticator(Builder builder) {
        this.verifier = newVerifier(builder.secret);
        this.clock = builder.clock;
        this.tokenRequired = builder.tokenRequired;
        this.expiryRequired = builder.expiryRequired;
        this.clockSkew = builder.clockSkew;
    }

    /** A builder for an authenticator that verifies tokens with {@code secret} (at least 32 bytes). */
    public static Builder builder(byte[] secret) {
        return new Builder(secret);
    }

    /** A builder for an authenticator whose secret is the UTF-8 encoding of {@code secret} (at least 32 bytes). */
    public static Builder builder(String secret) {
        Objects.requireNonNull(secret, "secret");
        return new Builder(secret.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Identity authenticate(Handshake handshake) {
        Optional<String> token = handshake.bearerToken();
        if (token.isEmpty()) {
            if (tokenRequired) {
                throw new AuthenticationException(
                        "a token is required: send 'Authorization: Bearer <jwt>' or '?token=<jwt>'");
            }
            return Identity.anonymous();
        }
        return Identity.known(verify(token.get()));
    }

    /**
     * Verifies one token and returns its user.
     *
     * @throws AuthenticationException if the token is malformed, not HS256, badly signed, expired, not yet valid,
     *         or has no valid {@code sub}
     */
    public UserId verify(String token) {
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new AuthenticationException("token refused: longer than " + MAX_TOKEN_CHARS + " characters");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new AuthenticationException("token refused: not a signed JWT (" + e.getMessage() + ")");
        }
        JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
        if (!JWSAlgorithm.HS256.equals(algorithm)) {
            throw new AuthenticationException("token refused: algorithm " + algorithm + " is not accepted, only HS256");
        }
        boolean signatureValid;
        try {
            signatureValid = jwt.verify(verifier);
        } catch (JOSEException e) {
            throw new AuthenticationException("token refused: signature could not be checked (" + e.getMessage() + ")");
        }
        if (!signatureValid) {
            throw new AuthenticationException("token refused: bad signature (was it signed with this server's secret?)");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new AuthenticationException("token refused: claims are not valid JSON (" + e.getMessage() + ")");
        }
        checkTimes(claims);
        return subject(claims);
    }

    private void checkTimes(JWTClaimsSet claims) {
        Instant now = clock.instant();
        Date expiry = claims.getExpirationTime();
        if (expiry == null) {
            if (expiryRequired) {
                throw new AuthenticationException("token refused: it has no 'exp' claim");
            }
        } else if (!now.isBefore(expiry.toInstant().plus(clockSkew))) {
            throw new AuthenticationException("token refused: expired at " + expiry.toInstant());
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && now.isBefore(notBefore.toInstant().minus(clockSkew))) {
            throw new AuthenticationException("token refused: not valid before " + notBefore.toInstant());
        }
    }

    private static UserId subject(JWTClaimsSet claims) {
        String subject = claims.getSubject();
        if (subject == null || subject.isEmpty()) {
            throw new AuthenticationException("token refused: it has no 'sub' claim (the user id)");
        }
        try {
            return new UserId(subject);
        } catch (InvalidNameException e) {
            throw new AuthenticationException("token refused: 'sub' is not a valid user id: " + e.getMessage());
        }
    }

    static void requireStrongSecret(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the JWT secret must be at least 256 bits (" + MIN_SECRET_BYTES
                    + " bytes) for HS256, but has " + secret.length + " bytes; generate one with 'openssl rand -base64 48'");
        }
    }

    private static MACVerifier newVerifier(byte[] secret) {
        requireStrongSecret(secret);
        try {
            return new MACVerifier(secret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the JWT secret cannot be used for HS256: " + e.getMessage(), e);
        }
    }

    /** Configures a {@link JwtAuthenticator}. Not thread-safe; build once. */
    public static final class Builder {
        private final byte[] secret;
        private Clock clock = Clock.systemUTC();
        private boolean tokenRequired;
        private boolean expiryRequired = true;
        private Duration clockSkew = Duration.ofSeconds(30);

        private Builder(byte[] secret) {
            requireStrongSecret(secret);
            this.secret = Arrays.copyOf(secret, secret.length);
        }

        /** The clock {@code exp} and {@code nbf} are checked against; the system UTC clock by default. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Whether a handshake without a token is refused ({@code true}) or let in anonymously (default). */
        public Builder tokenRequired(boolean value) {
            this.tokenRequired = value;
            return this;
        }

        /** Whether a token without {@code exp} is refused (default {@code true}). */
        public Builder expiryRequired(boolean value) {
            this.expiryRequired = value;
            return this;
        }

        /** How far {@code exp} and {@code nbf} may be off; 30 seconds by default. */
        public Builder clockSkew(Duration value) {
            Objects.requireNonNull(value, "clockSkew");
            if (value.isNegative()) {
                throw new IllegalArgumentException("clock skew must not be negative (was " + value + ")");
            }
            this.clockSkew = value;
            return this;
        }

        public JwtAuthenticator build() {
            return new JwtAuthenticator(this);
        }
    }
}
