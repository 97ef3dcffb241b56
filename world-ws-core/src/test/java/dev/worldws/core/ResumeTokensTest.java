package dev.worldws.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.worldws.api.UserId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ResumeTokensTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");
    private static final UserId GUEST = UserId.of("anon-5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b");

    private final ResumeTokens tokens = new ResumeTokens(SECRET);

    @Test
    @DisplayName("a token is the user and expiry signed with HMAC-SHA256 under the secret, and reads back until it expires")
    void signsAndVerifies() throws Exception {
        Instant expiry = NOW.plusSeconds(600);
        String token = tokens.issue(GUEST, expiry);

        byte[] id = GUEST.value().getBytes(StandardCharsets.UTF_8);
        byte[] body = ByteBuffer.allocate(8 + id.length).putLong(expiry.getEpochSecond()).put(id).array();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        assertThat(token).isEqualTo(encoder.encodeToString(body) + "." + encoder.encodeToString(mac.doFinal(body)));

        assertThat(tokens.verify(token, NOW)).contains(GUEST);
        assertThat(tokens.verify(token, expiry)).as("expired").isEmpty();
        assertThat(new ResumeTokens("another secret, thirty-two bytes".getBytes(StandardCharsets.US_ASCII)).verify(token, NOW))
                .as("another server's secret").isEmpty();
        char last = token.charAt(token.length() - 1);
        assertThat(tokens.verify(token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A'), NOW))
                .as("altered").isEmpty();
    }

    @Test
    @DisplayName("threads issuing and checking tokens at once each get their own user's valid token")
    void concurrentUse() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        UserId user = UserId.of("user-" + thread + "-" + i);
                        Optional<UserId> read = tokens.verify(tokens.issue(user, NOW.plusSeconds(60)), NOW);
                        if (!read.equals(Optional.of(user))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
