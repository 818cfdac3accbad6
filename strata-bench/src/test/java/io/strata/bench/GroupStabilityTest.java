package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.List;
import org.junit.jupiter.api.Test;

class GroupStabilityTest {

    private static final long MS = 1_000_000L;

    @Test
    void stableWhenEveryMemberHasBeenCalledAndEachPartitionHasOneOwner() {
        GroupStability g = new GroupStability(2, 4);
        g.subscribed(0, 100 * MS);
        g.subscribed(1, 110 * MS);

        assertThat(g.assigned(0, List.of(0, 1), 900 * MS)).isEmpty();
        assertThat(g.stableSince()).isEmpty();
        assertThat(g.assigned(1, List.of(2, 3), 1_000 * MS)).hasValue(1);

        assertThat(g.stableSince()).hasValue(1_000 * MS);
        GroupStability.Summary s = g.summary();
        assertThat(s.stableMs()).isEqualTo(900.0);
        assertThat(s.firstAssignmentP50Ms()).isCloseTo(800.0, withinPercentage(0.1)); // HdrHistogram precision
        assertThat(s.firstAssignmentMaxMs()).isCloseTo(890.0, withinPercentage(0.1));
        assertThat(s.events()).isEqualTo(2);
    }

    @Test
    void aMemberWithoutAnyCallbackKeepsTheGroupUnstable() {
        GroupStability g = new GroupStability(3, 3);
        g.assigned(0, List.of(0), 1);
        g.assigned(1, List.of(1, 2), 2);

        assertThat(g.stableSince()).isEmpty();
        assertThatThrownBy(g::summary).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2/3 members");
    }

    @Test
    void aPendingCooperativeHandOverIsNotStableBecauseOwnershipIsUnbalanced() {
        GroupStability g = new GroupStability(2, 2);
        g.subscribed(0, 0);
        g.subscribed(1, 0);
        // Member 0 joined alone and got everything; member 1 then gets an empty first assignment.
        g.assigned(0, List.of(0, 1), 10 * MS);
        assertThat(g.assigned(1, List.of(), 20 * MS)).isEmpty();
        // Every partition has one owner and every member was called, but member 0 still has to give one up.
        assertThat(g.stableSince()).isEmpty();

        assertThat(g.revoked(0, List.of(1), 30 * MS)).isEmpty();
        assertThat(g.assigned(1, List.of(1), 40 * MS)).hasValue(1);

        GroupStability.Summary s = g.summary();
        assertThat(s.stableMs()).isEqualTo(40.0);
        // Member 1's first assignment is its first non-empty one.
        assertThat(s.firstAssignmentMaxMs()).isCloseTo(40.0, withinPercentage(0.1));
    }

    @Test
    void aLaterRebalanceStartsANewStablePeriod() {
        GroupStability g = new GroupStability(2, 2);
        g.assigned(0, List.of(0), 1 * MS);
        assertThat(g.assigned(1, List.of(1), 2 * MS)).hasValue(1);

        // Eager rebalance: both revoke everything, then get new assignments.
        g.revoked(0, List.of(0), 5 * MS);
        assertThat(g.stableSince()).isEmpty();
        g.revoked(1, List.of(1), 6 * MS);
        assertThat(g.assigned(0, List.of(1), 7 * MS)).isEmpty();
        assertThat(g.assigned(1, List.of(0), 8 * MS)).hasValue(2);

        assertThat(g.period()).isEqualTo(2);
        assertThat(g.stableSince()).hasValue(8 * MS);
    }

    @Test
    void moreMembersThanPartitionsLeavesSomeWithNothing() {
        GroupStability g = new GroupStability(3, 2);
        for (int m = 0; m < 3; m++) {
            g.subscribed(m, 0);
        }
        g.assigned(0, List.of(0), 2 * MS);
        g.assigned(1, List.of(1), 4 * MS);
        assertThat(g.assigned(2, List.of(), 9 * MS)).hasValue(1);

        GroupStability.Summary s = g.summary();
        assertThat(s.stableMs()).isEqualTo(9.0);
        // The member that owns nothing is left out of the first-assignment figures.
        assertThat(s.firstAssignmentP50Ms()).isCloseTo(2.0, withinPercentage(0.1));
        assertThat(s.firstAssignmentMaxMs()).isCloseTo(4.0, withinPercentage(0.1));
    }

    @Test
    void doubleOwnershipIsNotStable() {
        GroupStability g = new GroupStability(2, 2);
        g.assigned(0, List.of(0, 1), 1);
        g.assigned(1, List.of(1), 2);

        assertThat(g.stableSince()).isEmpty();
        assertThat(g.describe()).contains("1/2 partitions owned by exactly one member");
    }
}
