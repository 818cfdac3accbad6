package io.strata.cli.group;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How group types and states are spelt on the command line and in output: types in lower case ({@code classic},
 * {@code consumer}) as in {@code group.protocol}, states as Kafka prints them ({@code Stable}, {@code Empty},
 * {@code PreparingRebalance}...). Stateless and thread-safe.
 */
final class GroupNames {

    private GroupNames() {
    }

    /** The type as the user writes it; null when the broker did not say (an old broker). */
    static String type(Optional<GroupType> type) {
        return type.map(GroupNames::type).orElse(null);
    }

    static String type(GroupType type) {
        return type.toString().toLowerCase(Locale.ROOT);
    }

    static String state(Optional<GroupState> state) {
        return state.map(GroupState::toString).orElse(null);
    }

    /** Parses {@code --state}: a Kafka state name in any case, e.g. {@code stable} or {@code PreparingRebalance}. */
    static final class StateConverter implements ITypeConverter<GroupState> {

        @Override
        public GroupState convert(String value) {
            for (GroupState state : GroupState.values()) {
                if (state != GroupState.UNKNOWN && (state.toString().equalsIgnoreCase(value)
                        || state.name().equalsIgnoreCase(value))) {
                    return state;
                }
            }
            throw new TypeConversionException("expected one of " + Arrays.stream(GroupState.values())
                    .filter(s -> s != GroupState.UNKNOWN).map(GroupState::toString)
                    .collect(Collectors.joining(", ")) + " but got '" + value + "'");
        }
    }

    /** The group types a user can filter on: the two consumer group protocols. */
    enum TypeOption {
        CLASSIC(GroupType.CLASSIC), CONSUMER(GroupType.CONSUMER);

        final GroupType type;

        TypeOption(GroupType type) {
            this.type = type;
        }
    }
}
