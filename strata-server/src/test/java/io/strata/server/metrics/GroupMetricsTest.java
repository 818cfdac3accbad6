package io.strata.server.metrics;

import static io.strata.server.metrics.Scrapes.text;
import static io.strata.server.metrics.Scrapes.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.coordinator.group.GroupCoordinator.GroupSummary;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class GroupMetricsTest {

    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);
    private static final TopicPartition ELSEWHERE = new TopicPartition("remote", 0);

    @Test
    void lagIsEndOffsetMinusCommittedPerPartitionWithStateAndMembers() {
        List<GroupSummary> groups = List.of(
                new GroupSummary("g", "Stable", 2, Map.of(T0, 40L, T1, 100L, ELSEWHERE, 7L)),
                new GroupSummary("idle", "Empty", 0, Map.of()));
        Map<TopicPartition, Long> ends = Map.of(T0, 100L, T1, 90L);
        String text = text(new GroupMetrics(() -> groups,
                tp -> ends.containsKey(tp) ? OptionalLong.of(ends.get(tp)) : OptionalLong.empty()));

        assertThat(value(text, "kafka_consumergroup_lag{consumergroup=\"g\",partition=\"0\",topic=\"t\"}"))
                .hasValue(60.0);
        // A committed offset past the end (the log was truncated) is no lag, not a negative one.
        assertThat(value(text, "kafka_consumergroup_lag{consumergroup=\"g\",partition=\"1\",topic=\"t\"}"))
                .hasValue(0.0);
        assertThat(value(text, "kafka_consumergroup_current_offset{consumergroup=\"g\",partition=\"0\",topic=\"t\"}"))
                .hasValue(40.0);
        // No replica here: the offset is known, the lag is not guessed.
        assertThat(value(text,
                "kafka_consumergroup_current_offset{consumergroup=\"g\",partition=\"0\",topic=\"remote\"}"))
                .hasValue(7.0);
        assertThat(text).doesNotContain("kafka_consumergroup_lag{consumergroup=\"g\",partition=\"0\",topic=\"remote\"}");
        assertThat(value(text, "kafka_consumergroup_members{consumergroup=\"g\"}")).hasValue(2.0);
        assertThat(value(text, "kafka_consumergroup_members{consumergroup=\"idle\"}")).hasValue(0.0);
        assertThat(value(text, "kafka_consumergroup_state{consumergroup=\"idle\",state=\"Empty\"}")).hasValue(1.0);
    }
}
