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
}
