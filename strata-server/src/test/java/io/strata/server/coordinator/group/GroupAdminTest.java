package io.strata.server.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GroupAdminTest {

    private static final String GROUP = "g";
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    private final GroupTestKit kit = new GroupTestKit();

    /** An empty group with one committed offset. */
    @BeforeEach
    void committedOffset() {
        CompletableFuture<List<Errors>> committing = kit.async(() -> kit.offsets.commit(GROUP, "", Optional.empty(),
                -1, List.of(new GroupOffsets.Commit(TP, 5, -1, Optional.empty())), Errors.ILLEGAL_GENERATION));
        await().until(() -> kit.store.pendingCount() == 1);
        kit.store.commitNext();
        assertThat(committing.join()).containsExactly(Errors.NONE);
    }

    @AfterEach
    void close() {
        kit.close();
    }

    private CompletableFuture<Errors> deleteGroup() {
        CompletableFuture<Errors> deleting = kit.async(() -> kit.admin.delete(GROUP));
        await().until(() -> kit.store.pendingCount() == 1);
        return deleting;
    }

    private List<String> listed() {
        return kit.admin.list(Set.of(), Set.of()).stream().map(GroupAdmin.Listed::groupId).toList();
    }

    @Test
    void aDeletedGroupIsShownUntilItsTombstonesCommitAndRefusesJoinsMeanwhile() {
        CompletableFuture<Errors> deleting = deleteGroup();

        List<SimpleRecord> tombstones = kit.store.appended().getLast();
        assertThat(tombstones).hasSize(2).allSatisfy(r -> assertThat(r.value()).isNull());
        assertThat(listed()).containsExactly(GROUP);
        assertThat(kit.admin.describe(GROUP).exists()).isTrue();
        assertThat(kit.offsets.fetch(GROUP, Optional.empty())).containsOnlyKeys(TP);
        assertThat(kit.join(GROUP, "").join().errorCode()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());

        kit.store.commitNext();

        assertThat(deleting.join()).isEqualTo(Errors.NONE);
        assertThat(listed()).isEmpty();
        assertThat(kit.admin.describe(GROUP).exists()).isFalse();
        assertThat(kit.offsets.fetch(GROUP, Optional.empty())).isEmpty();
    }

    @Test
    void summariesShowStateMembersAndCommittedOffsetsOfLiveGroupsOnly() {
        assertThat(kit.admin.summaries()).containsExactly(
                new GroupCoordinator.GroupSummary(GROUP, "Empty", 0, java.util.Map.of(TP, 5L)));

        CompletableFuture<Errors> deleting = deleteGroup();
        kit.store.commitNext();
        assertThat(deleting.join()).isEqualTo(Errors.NONE);

        assertThat(kit.admin.summaries()).isEmpty();
    }

    @Test
    void aFailedDeletionLeavesTheGroupAsItWas() {
        CompletableFuture<Errors> deleting = deleteGroup();

        kit.store.failNext(new TimeoutException("replication did not complete"));

        assertThat(deleting.join()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(listed()).containsExactly(GROUP);
        assertThat(kit.offsets.fetch(GROUP, Optional.empty())).containsOnlyKeys(TP);
        boolean gone = ClassicMembership.locked(kit.registry.group(GROUP, false).orElseThrow(), ClassicGroup::isGone);
        assertThat(gone).isFalse();
    }
}
