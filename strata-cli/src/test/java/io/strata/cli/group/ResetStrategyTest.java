package io.strata.cli.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.cli.client.CliException;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ResetStrategyTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);

    /** A partition holding offsets 100..200, committed at 150. */
    private static ResetStrategy.PartitionOffsets partition(Optional<Long> committed, Optional<Long> atTime) {
        return new ResetStrategy.PartitionOffsets(TP, 100, 200, committed, atTime);
    }

    private static final ResetStrategy.PartitionOffsets P = partition(Optional.of(150L), Optional.empty());

    @Test
    void earliestAndLatest() {
        assertThat(new ResetStrategy.ToEarliest().target(P)).isEqualTo(100);
        assertThat(new ResetStrategy.ToLatest().target(P)).isEqualTo(200);
    }

    @Test
    void offsetsAreClampedToTheLog() {
        assertThat(new ResetStrategy.ToOffset(120).target(P)).isEqualTo(120);
        assertThat(new ResetStrategy.ToOffset(5).target(P)).isEqualTo(100);
        assertThat(new ResetStrategy.ToOffset(500).target(P)).isEqualTo(200);
        assertThat(new ResetStrategy.ShiftBy(-20).target(P)).isEqualTo(130);
        assertThat(new ResetStrategy.ShiftBy(-80).target(P)).isEqualTo(100);
        assertThat(new ResetStrategy.ShiftBy(70).target(P)).isEqualTo(200);
        assertThat(new ResetStrategy.ShiftBy(Long.MAX_VALUE).target(P)).isEqualTo(200);
        assertThat(new ResetStrategy.ShiftBy(Long.MIN_VALUE).target(P)).isEqualTo(100);
    }

    @Test
    void shiftNeedsACommittedOffset() {
        assertThatThrownBy(() -> new ResetStrategy.ShiftBy(1).target(partition(Optional.empty(), Optional.empty())))
                .isInstanceOf(CliException.class)
                .hasMessage("cannot shift the offset of t-0: the group has no committed offset there");
    }

    @Test
    void datetimeUsesTheOffsetAtTheTimeOrTheEnd() {
        ResetStrategy.ToDatetime strategy = new ResetStrategy.ToDatetime(Instant.EPOCH);
        assertThat(strategy.lookupTime()).contains(Instant.EPOCH);
        assertThat(strategy.target(partition(Optional.empty(), Optional.of(170L)))).isEqualTo(170);
        assertThat(strategy.target(partition(Optional.empty(), Optional.of(-1L)))).isEqualTo(200);
        assertThat(strategy.target(partition(Optional.empty(), Optional.empty()))).isEqualTo(200);
        assertThat(new ResetStrategy.ToLatest().lookupTime()).isEmpty();
    }
}
