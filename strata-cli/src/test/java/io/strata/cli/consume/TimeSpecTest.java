package io.strata.cli.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class TimeSpecTest {

    private final Instant now = Instant.parse("2024-05-01T12:00:00Z");
    private final TimeSpec spec = new TimeSpec(now, ZoneId.of("Europe/Paris"));

    @Test
    void parsesEveryDocumentedForm() {
        assertThat(spec.convert("1714564800000")).isEqualTo(now);
        assertThat(spec.convert("2024-05-01T12:00:00Z")).isEqualTo(now);
        assertThat(spec.convert("2024-05-01T14:00:00+02:00")).isEqualTo(now);
        assertThat(spec.convert("2024-05-01T14:00:00")).isEqualTo(now); // Paris is UTC+2 in May
        assertThat(spec.convert("2024-05-01")).isEqualTo(Instant.parse("2024-04-30T22:00:00Z"));
        assertThat(spec.convert("-15m")).isEqualTo(now.minusSeconds(900));
        assertThat(spec.convert("-2h")).isEqualTo(now.minusSeconds(7200));
        assertThat(spec.convert("-1d")).isEqualTo(now.minusSeconds(86400));
        assertThat(spec.convert("-500ms")).isEqualTo(now.minusMillis(500));
    }

    @Test
    void rejectsAnythingElse() {
        assertThatThrownBy(() -> spec.convert("yesterday")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'yesterday'");
        assertThatThrownBy(() -> spec.convert("-5w")).isInstanceOf(TypeConversionException.class);
    }
}
