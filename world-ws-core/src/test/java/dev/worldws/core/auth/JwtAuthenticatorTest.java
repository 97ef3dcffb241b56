package dev.worldws.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.worldws.api.AuthenticationException;
import dev.worldws.api.UserId;
import dev.worldws.api.spi.Handshake;
import dev.worldws.api.spi.Identity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("JwtAuthenticator")
class JwtAuthenticatorTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-test-secret";
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final UserId ALICE = UserId.of("alice");

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final JwtAuthenticator authenticator = JwtAuthenticator.builder(SECRET).clock(clock).build();

    private static Handshake bearer(String token) {
        return new Handshake(Map.of("Authorization", List.of("Bearer " + token)), Map.of(), "127.0.0.1");
    }

    private static Handshake query(String token) {
        return new Handshake(Map.of(), Map.of("token", List.of(token)), "127.0.0.1");
    }

    private static String valid() {
        return JwtTokens.issue(SECRET, ALICE, NOW.minusSeconds(60), NOW.plusSeconds(3600));
    }

    private static String signed(JWSAlgorithm algorithm, byte[] secret, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    private static JWTClaimsSet.Builder claimsFor(String subject) {
        return new JWTClaimsSet.Builder().subject(subject).expirationTime(Date.from(NOW.plusSeconds(600)));
    }

    @Nested
    @DisplayName("accepts")
    class Accepts {
        @Test
        @DisplayName("a valid token in the Authorization header as the user named by sub")
        void bearerHeader() {
            assertThat(authenticator.authenticate(bearer(valid()))).isEqualTo(Identity.known(ALICE));
        }

        @Test
        @DisplayName("a valid token in the token query parameter (browsers cannot set headers)")
        void queryParameter() {
            assertThat(authenticator.authenticate(query(valid()))).isEqualTo(Identity.known(ALICE));
        }

        @Test
        @DisplayName("a handshake without a token as anonymous by default")
        void anonymousByDefault() {
            assertThat(authenticator.authenticate(Handshake.empty()).isAnonymous()).isTrue();
        }

        @Test
        @DisplayName("a token that expired less than the clock skew ago")
        void withinSkew() {
            String token = JwtTokens.issue(SECRET, ALICE, NOW.minusSeconds(3600), NOW.minusSeconds(10));
            assertThat(authenticator.authenticate(bearer(token))).isEqualTo(Identity.known(ALICE));
        }
    }

    @Nested
    @DisplayName("refuses with a clear reason")
    class Refuses {
        @Test
        @DisplayName("an expired token, naming when it expired")
        void expired() {
            String token = JwtTokens.issue(SECRET, ALICE, NOW.minusSeconds(7200), NOW.minusSeconds(3600));
            assertThatThrownBy(() -> authenticator.authenticate(bearer(token)))
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("expired at 2026-11-25T11:00:00Z");
        }

        @Test
        @DisplayName("a token that becomes valid only later")
        void notYetValid() throws Exception {
            String token = signed(JWSAlgorithm.HS256, SECRET.getBytes(StandardCharsets.UTF_8),
                    claimsFor("alice").notBeforeTime(Date.from(NOW.plusSeconds(600))).build());
            assertThatThrownBy(() -> authenticator.authenticate(bearer(token)))
                    .isInstanceOf(AuthenticationException.class).hasMessageContaining("not valid before");
        }

        @Test
        @DisplayName("a token signed with another secret")
        void otherSecret() {
            String token = JwtTokens.issue("another-secret-that-is-long-enough-for-hs256", ALICE, NOW, NOW.plusSeconds(60));
            assertThatThrownBy(() -> authenticator.authenticate(bearer(token)))
                    .isInstanceOf(AuthenticationException.class).hasMessageContaining("bad signature");
        }

        @Test
        @DisplayName("a token whose claims were changed after signing")
        void tampered() {
            String[] parts = valid().split("\\.");
            String forgedClaims = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    ("{\"sub\":\"mallory\",\"exp\":" + NOW.plusSeconds(600).getEpochSecond() + "}")
                            .getBytes(StandardCharsets.UTF_8));
            String forged = parts[0] + "." + forgedClaims + "." + parts[2];
            assertThatThrownBy(() -> authenticator.authenticate(bearer(forged)))
                    .isInstanceOf(AuthenticationException.class).hasMessageContaining("bad signature");
        }

        @Test
        @DisplayName("an unsigned token (alg none)")
        void algNone() {
            String token = new PlainJWT(new PlainHeader(), claimsFor("alice").build()).serialize();
            assertThatThrownBy(() -> authenticator.authenticate(bearer(token)))
                    .isInstanceOf(AuthenticationException.class).hasMessageContaining("not a signed JWT");
        }

        @Test
        @DisplayName("a token signed with another algorithm than HS256")
        void otherAlgorithm() throws Exception {
            byte[] longSecret = (SECRET + SECRET).getBytes(StandardCharsets.UTF_8);
            String token = signed(JWSAlgorithm.HS512, longSecret, claimsFor("alice").build());
            assertThatThrownBy(() -> authenticator.authenticate(bearer(token)))
                    .isInstanceOf(AuthenticationException.class).hasMessageContaining("only HS256");
        }

        @Test
        @DisplayName("garbage that is not a JWT, without echoing it")
        void garbage() {
            assertThatThrownBy(() -> authenticator.authenticate(query("not-a-jwt-secret-value")))
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("not a signed JWT")
                    .hasMessageNotContaining("not-a-jwt-secret-value");
        }

        @Test
        @DisplayName("a token whose sub is not a valid user id (no path tricks)")
        void invalidSubject() throws Exception {
            String token = signed(JWSAlgorithm.HS256, SECRET.getBytes(StandardCharsets.UTF_8),
                    claimsFor("../bob").build());
            assertThatThrownBy(() -> authenticator.authenticate(bearer(token)))
                    .isInstanceOf(AuthenticationException.class).hasMessageContaining("not a valid user id");
        }

        @Test
        @DisplayName("a token without sub")
        void missingSubject() throws Exception {
            String token = signed(JWSAlgorithm.HS256, SECRET.getBytes(StandardCharsets.UTF_8),
                    new JWTClaimsSet.Builder().expirationTime(Date.from(NOW.plusSeconds(60))).build());
            assertThatThrownBy(() -> authenticator.authenticate(bearer(token)))
                    .isInstanceOf(AuthenticationException.class).hasMessageContaining("no 'sub'");
        }

        @Test
        @DisplayName("a token without exp, unless expiry is optional")
        void missingExpiry() throws Exception {
            String token = signed(JWSAlgorithm.HS256, SECRET.getBytes(StandardCharsets.UTF_8),
                    new JWTClaimsSet.Builder().subject("alice").build());
            assertThatThrownBy(() -> authenticator.authenticate(bearer(token)))
                    .isInstanceOf(AuthenticationException.class).hasMessageContaining("no 'exp'");
            JwtAuthenticator lenient = JwtAuthenticator.builder(SECRET).clock(clock).expiryRequired(false).build();
            assertThat(lenient.authenticate(bearer(token))).isEqualTo(Identity.known(ALICE));
        }

        @Test
        @DisplayName("a handshake without a token when a token is required")
        void required() {
            JwtAuthenticator strict = JwtAuthenticator.builder(SECRET).clock(clock).tokenRequired(true).build();
            assertThatThrownBy(() -> strict.authenticate(Handshake.empty()))
                    .isInstanceOf(AuthenticationException.class).hasMessageContaining("a token is required");
            assertThat(strict.authenticate(bearer(valid()))).isEqualTo(Identity.known(ALICE));
        }
    }

    @Test
    @DisplayName("a secret shorter than 256 bits is refused at construction")
    void weakSecret() {
        assertThatThrownBy(() -> JwtAuthenticator.builder("short-secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 256 bits")
                .hasMessageContaining("has 12 bytes");
    }

    @Test
    @DisplayName("the clock decides expiry: a token valid now is refused an hour later")
    void clockIsInjected() {
        String token = JwtTokens.issue(SECRET, ALICE, NOW, NOW.plus(Duration.ofMinutes(30)));
        JwtAuthenticator later = JwtAuthenticator.builder(SECRET)
                .clock(Clock.offset(clock, Duration.ofHours(1))).build();
        assertThat(authenticator.authenticate(bearer(token))).isEqualTo(Identity.known(ALICE));
        assertThatThrownBy(() -> later.authenticate(bearer(token))).isInstanceOf(AuthenticationException.class);
    }
}
