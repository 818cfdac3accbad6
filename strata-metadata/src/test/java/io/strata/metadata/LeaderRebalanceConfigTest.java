package io.strata.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaderRebalanceConfigTest {

    @Test
    void defaultsAreKafkas() {
        assertThat(LeaderRebalanceConfig.DEFAULTS)
                .isEqualTo(new LeaderRebalanceConfig(true, Duration.ofSeconds(300), 10));
    }

    @Test
    void refusesANonPositiveIntervalButTakesAnyPercentageAsKafkaDoes() {
        assertThatThrownBy(() -> new LeaderRebalanceConfig(true, Duration.ZERO, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leader.imbalance.check.interval.seconds");
        assertThat(new LeaderRebalanceConfig(false, Duration.ofSeconds(1), 150).imbalancePerBrokerPercentage())
                .isEqualTo(150);
    }
}
