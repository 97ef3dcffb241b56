package dev.worldws.core;

import dev.worldws.api.UserId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks anonymous resume tokens: {@code base64url(expiry-seconds | user id) "." base64url(HMAC-SHA256)}.
 * Unguessable without the engine's secret; expired, altered or foreign tokens are simply not accepted.
 */
final class ResumeTokens {
    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int MAX_TOKEN_LENGTH = 512;

    private final SecretKeySpec key;
    /** Initialised with the key once and only ever cloned: a provider look-up and key set-up per token cost more. */
    private final Mac initialised;

    ResumeTokens(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("resume token secret must have at least 32 bytes (has " + secret.length + ")");
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
        this.initialised = newMac();
    }

    String issue(UserId user, Instant expiry) {
        byte[] id = user.value().getBytes(StandardCharsets.UTF_8);
        byte[] body = ByteBuffer.allocate(8 + id.length).putLong(expiry.getEpochSecond()).put(id).array();
        return ENCODER.encodeToString(body) + "." + ENCODER.encodeToString(mac(body));
    }

    /** The user id in a valid, unexpired token. */
    Optional<UserId> verify(String token, Instant now) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return Optional.empty();
        }
        try {
            byte[] body = DECODER.decode(token.substring(0, dot));
            byte[] signature = DECODER.decode(token.substring(dot + 1));
            if (body.length <= 8 || !MessageDigest.isEqual(mac(body), signature)) {
                return Optional.empty();
            }
            ByteBuffer buffer = ByteBuffer.wrap(body);
            long expiry = buffer.getLong();
            if (now.getEpochSecond() >= expiry) {
                return Optional.empty();
            }
            String id = new String(body, 8, body.length - 8, StandardCharsets.UTF_8);
            return UserId.isValid(id) ? Optional.of(UserId.of(id)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(byte[] body) {
        Mac mac;
        try {
            mac = (Mac) initialised.clone();
        } catch (CloneNotSupportedException e) {
            mac = newMac(); // a provider whose MAC cannot be cloned
        }
        return mac.doFinal(body);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
