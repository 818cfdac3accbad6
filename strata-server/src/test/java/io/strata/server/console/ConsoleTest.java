package io.strata.server.console;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConsoleTest {

    @Test
    void configsAreKeyValueLinesOrCommaSeparated() {
        assertThat(Console.properties("retention.ms=1\n cleanup.policy = compact ,\n\nmin.insync.replicas=2"))
                .containsExactly(entry("retention.ms", "1"), entry("cleanup.policy", "compact"),
                        entry("min.insync.replicas", "2"));
        assertThat(Console.properties("")).isEmpty();
        assertThatThrownBy(() -> Console.properties("retention.ms"))
                .isInstanceOfSatisfying(ConsoleExchange.Refusal.class, r -> assertThat(r.status).isEqualTo(400));
    }

    @Test
    void keysAreSeparatedByCommasOrWhiteSpace() {
        assertThat(Console.keys(" retention.ms, cleanup.policy\nsegment.ms ,,")).containsExactly("retention.ms",
                "cleanup.policy", "segment.ms");
        assertThat(Console.keys("")).isEmpty();
    }
}
