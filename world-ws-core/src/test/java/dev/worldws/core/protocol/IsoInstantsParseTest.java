package dev.worldws.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IsoInstantsParseTest {

    @Test
    @DisplayName("the stored and sent forms read as Instant.parse reads them, without the formatter")
    void commonFormsMatchInstantParse() {
        Random random = new Random(25);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(253_402_300_800L), random.nextInt(1_000_000_000));
            String whole = instant.toString();
            String seconds = whole.substring(0, 19);
            String fraction = String.format("%09d", instant.getNano());
            for (int digits = 0; digits <= 9; digits++) {
                String text = digits == 0 ? seconds + "Z" : seconds + "." + fraction.substring(0, digits) + "Z";
                assertThat(IsoInstants.fastParse(text)).as(text).isNotNull().isEqualTo(Instant.parse(text));
            }
            assertThat(IsoInstants.parse(IsoInstants.storedText(instant))).isEqualTo(Instant.parse(IsoInstants.storedText(instant)));
        }
        for (String edge : List.of("1970-01-01T00:00:00Z", "2000-02-29T23:59:59.999Z", "2024-02-29T12:00:00.000Z",
                "9999-12-31T23:59:59.999999999Z", "2026-12-31T23:59:59Z", "2100-03-01T00:00:00Z")) {
            assertThat(IsoInstants.fastParse(edge)).as(edge).isNotNull().isEqualTo(Instant.parse(edge));
        }
    }

    @Test
    @DisplayName("any other text gets Instant.parse's own answer: the same instant, or its exception")
    void otherTextIsInstantParses() {
        for (String other : List.of("2026-11-25t18:15:36z", "2026-11-25T24:00:00Z", "2026-06-30T23:59:60Z",
                "1969-12-31T23:59:59Z", "+10000-01-01T00:00:00Z", "2026-11-25T18:15:36+01:00",
                "2026-11-25T18:15:36.Z")) {
            assertThat(IsoInstants.fastParse(other)).as(other).isNull();
            assertThat(IsoInstants.parse(other)).as(other).isEqualTo(Instant.parse(other));
        }
        for (String invalid : List.of("", "2026-11-25", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
                "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z",
                "2026-11-25T18:60:00Z", "2026-11-25T18:15:36,5Z", "2026-11-25T18:15:3xZ",
                "2026-11-25T18:15:36.1234567890Z", "2026-11-25 18:15:36Z", "2026-1a-25T18:15:36Z", "2026-11-25T18:15:36.12a4Z",
                "２０２６-11-25T18:15:36Z")) {
            assertThat(IsoInstants.fastParse(invalid)).as(invalid).isNull();
            assertThatThrownBy(() -> Instant.parse(invalid)).isInstanceOf(DateTimeParseException.class);
            assertThatThrownBy(() -> IsoInstants.parse(invalid)).as(invalid).isInstanceOf(DateTimeParseException.class);
        }
    }
}
