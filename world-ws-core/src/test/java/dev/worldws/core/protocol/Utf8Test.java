package dev.worldws.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("counting UTF-8 bytes")
class Utf8Test {
    @Test
    @DisplayName("gives what encoding gives: ASCII, two and three byte characters, pairs, lone surrogates")
    void likeEncoding() {
        List<String> texts = List.of("", "plain ascii", "é ü ß", "€ ✓ 日本", "😀 and 🌍", "\uD83D alone", "end \uDE00",
                "\uDE00\uD83D reversed", "mixed é€😀\uD83D.");
        for (String text : texts) {
            assertThat(Utf8.length(text)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
            assertThat(Utf8.length(new StringBuilder(text))).as("as a CharSequence: %s", text)
                    .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
    }
}
