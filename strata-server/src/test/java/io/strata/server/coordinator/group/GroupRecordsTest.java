package io.strata.server.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GroupRecordsTest {

    @Test
    void offsetKeyAndValueRoundTrip() {
        byte[] key = GroupRecords.offsetKey("group-é", "orders", 7);
        assertThat(GroupRecords.readKey(ByteBuffer.wrap(key)))
                .contains(new GroupRecords.OffsetKey("group-é", "orders", 7));
        GroupRecords.OffsetValue value = new GroupRecords.OffsetValue(42, 3, Optional.of("meta"), 1234);
        assertThat(GroupRecords.readOffsetValue(ByteBuffer.wrap(GroupRecords.offsetValue(value)))).isEqualTo(value);
        GroupRecords.OffsetValue noMetadata = new GroupRecords.OffsetValue(0, -1, Optional.empty(), 1);
        assertThat(GroupRecords.readOffsetValue(ByteBuffer.wrap(GroupRecords.offsetValue(noMetadata))))
                .isEqualTo(noMetadata);
    }

    @Test
    void groupValueRoundTripsWithMembers() {
        GroupRecords.StoredMember member = new GroupRecords.StoredMember("m-1", Optional.of("instance"), "client",
                "/127.0.0.1", 300_000, 45_000, new byte[] {1, 2, 3}, new byte[] {4});
        GroupRecords.GroupValue value = new GroupRecords.GroupValue(Optional.of("consumer"), 5, Optional.of("range"),
                Optional.of("m-1"), 99, List.of(member));
        GroupRecords.GroupValue read = GroupRecords.readGroupValue(ByteBuffer.wrap(GroupRecords.groupValue(value)));
        assertThat(read.generation()).isEqualTo(5);
        assertThat(read.protocol()).contains("range");
        assertThat(read.leader()).contains("m-1");
        assertThat(read.members()).singleElement().satisfies(m -> {
            assertThat(m.memberId()).isEqualTo("m-1");
            assertThat(m.instanceId()).contains("instance");
            assertThat(m.subscription()).containsExactly(1, 2, 3);
            assertThat(m.assignment()).containsExactly(4);
        });
        assertThat(GroupRecords.readKey(ByteBuffer.wrap(GroupRecords.groupKey("g"))))
                .contains(new GroupRecords.GroupKey("g"));
    }

    @Test
    void unknownKeyTypesAreSkippedAndUnknownValueVersionsRejected() {
        assertThat(GroupRecords.readKey(ByteBuffer.wrap(new byte[] {0, 9, 0, 0}))).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                GroupRecords.readOffsetValue(ByteBuffer.wrap(new byte[] {0, 7, 0, 0, 0, 0, 0, 0, 0, 0})))
                .isInstanceOf(IllegalStateException.class);
    }
}
