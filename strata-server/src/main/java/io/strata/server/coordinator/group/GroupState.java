package io.strata.server.coordinator.group;

import java.util.Locale;
import java.util.Optional;

/** The states of a classic group, with the names Kafka reports in ListGroups and DescribeGroups. */
enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    String kafkaName() {
        return kafkaName;
    }

    /** Parses a state filter as Kafka does: case-insensitively. */
    static Optional<GroupState> parse(String name) {
        for (GroupState s : values()) {
            if (s.kafkaName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
