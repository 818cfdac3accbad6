package io.strata.metadata;

import java.time.Duration;

/**
 * How the active controller moves leadership back to preferred replicas on its own (Kafka's automatic leader
 * rebalance). Immutable.
 *
 * @param enabled                      {@code auto.leader.rebalance.enable}
 * @param checkInterval                {@code leader.imbalance.check.interval.seconds}: how often the active
 *                                     controller looks for imbalance
 * @param imbalancePerBrokerPercentage {@code leader.imbalance.per.broker.percentage}: a broker's leadership is
 *                                     moved back to it once more than this share of the partitions it is the
 *                                     preferred replica of are led by others (any value, as in Kafka: 0 or less
 *                                     moves back every leadership it can, 100 or more none)
 */
public record LeaderRebalanceConfig(boolean enabled, Duration checkInterval, int imbalancePerBrokerPercentage) {

    /** Kafka's defaults: enabled, every 300 s, above 10 %. */
    public static final LeaderRebalanceConfig DEFAULTS = new LeaderRebalanceConfig(true, Duration.ofSeconds(300), 10);

    public LeaderRebalanceConfig {
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("leader.imbalance.check.interval.seconds must be positive: "
                    + checkInterval.toSeconds());
        }
    }
}
