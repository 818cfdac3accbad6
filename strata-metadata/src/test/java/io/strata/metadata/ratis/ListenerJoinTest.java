package io.strata.metadata.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.ratis.protocol.RaftPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListenerJoinTest {

    private static final RaftPeer FIVE = RaftSetup.listenerPeer(5, InetSocketAddress.createUnresolved("h5", 7005));

    @TempDir
    Path dir;

    private static RaftPeer listener(int nodeId, int port) {
        return RaftSetup.listenerPeer(nodeId, InetSocketAddress.createUnresolved("h" + nodeId, port));
    }

    @Test
    void aNewListenerIsAddedAndTheOthersKept() {
        RaftPeer self = listener(4, 7004);
        assertThat(ListenerJoin.listenersWith(List.of(FIVE), self)).hasValueSatisfying(listeners ->
                assertThat(listeners).containsExactly(self, FIVE));
        assertThat(ListenerJoin.listenersWith(List.of(), self)).hasValueSatisfying(listeners ->
                assertThat(listeners).containsExactly(self));
    }

    @Test
    void aListenerAlreadyThereChangesNothing() {
        RaftPeer self = listener(4, 7004);
        assertThat(ListenerJoin.listenersWith(List.of(FIVE, self), self)).isEmpty();
    }

    @Test
    void aListenerAtANewAddressReplacesItsOldEntry() {
        RaftPeer old = listener(4, 7004);
        RaftPeer moved = listener(4, 7044);
        assertThat(moved.getId()).isNotEqualTo(old.getId());
        assertThat(ListenerJoin.listenersWith(List.of(old, FIVE), moved)).hasValueSatisfying(listeners ->
                assertThat(listeners).containsExactlyInAnyOrder(moved, FIVE));
    }

    @Test
    void theLocalLogIsDiscardedOnlyWhenItBelongsToAnotherPeerId() throws Exception {
        Path groupDir = dir.resolve(RaftSetup.GROUP_ID.getUuid().toString());
        Files.createDirectories(groupDir.resolve("current"));
        RaftPeer self = listener(4, 7004);
        ListenerJoin.prepareStorage(dir, self.getId()); // first start with a log of unknown owner: kept
        assertThat(groupDir).exists();
        ListenerJoin.prepareStorage(dir, self.getId()); // a restart at the same address: kept
        assertThat(groupDir).exists();

        ListenerJoin.prepareStorage(dir, listener(4, 7044).getId()); // a new address: discarded
        assertThat(groupDir).doesNotExist();
        assertThat(Files.readString(dir.resolve(ListenerJoin.PEER_ID_FILE)))
                .isEqualTo(listener(4, 7044).getId().toString());
    }
}
