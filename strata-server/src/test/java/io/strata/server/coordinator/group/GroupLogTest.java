package io.strata.server.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.coordinator.CoordinatorLog;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The replay of {@code __consumer_offsets} records into groups, transactional offset commits included. */
class GroupLogTest {

    private static final TopicPartition TP = new TopicPartition("in", 0);

    private static CoordinatorLog.DataEntry offset(String group, long offset, long producerId, boolean transactional) {
        return new CoordinatorLog.DataEntry(ByteBuffer.wrap(GroupRecords.offsetKey(group, TP.topic(), TP.partition())),
                Optional.of(ByteBuffer.wrap(GroupRecords.offsetValue(new GroupRecords.OffsetValue(offset, -1,
                        Optional.empty(), 1000)))), producerId, transactional);
    }

    @Test
    void transactionalOffsetsCountOnlyOnceTheirCommitMarkerFollows() {
        GroupLog.Replayed replayed = new GroupLog.Replayed();
        replayed.apply(offset("g", 5, -1, false));
        replayed.apply(offset("g", 10, 7, true));
        replayed.apply(offset("h", 3, 8, true));
        assertThat(replayed.offsets.get("g").get(TP).offset()).isEqualTo(5);

        replayed.apply(new CoordinatorLog.MarkerEntry(7, true));
        replayed.apply(new CoordinatorLog.MarkerEntry(8, false));
        assertThat(replayed.offsets.get("g").get(TP).offset()).isEqualTo(10);
        assertThat(replayed.offsets).doesNotContainKey("h");
        assertThat(replayed.pending).isEmpty();
    }

    @Test
    void transactionalOffsetsWithoutTheirMarkerYetStayPending() {
        GroupLog.Replayed replayed = new GroupLog.Replayed();
        replayed.apply(offset("g", 10, 7, true));
        replayed.apply(new CoordinatorLog.MarkerEntry(9, true));
        assertThat(replayed.offsets).isEmpty();
        assertThat(replayed.pending.get("g").get(7L).get(TP).offset()).isEqualTo(10);
    }
}
