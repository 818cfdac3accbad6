package io.strata.metadata.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.OptionalInt;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;

class RaftSetupTest {

    @Test
    void nodeIdsRoundTripThroughPeerIdsAndOtherPeerIdsHaveNone() {
        assertThat(RaftSetup.nodeId(RaftSetup.peerId(7))).isEqualTo(OptionalInt.of(7));
        assertThat(RaftSetup.nodeId(RaftSetup.peerId(0))).isEqualTo(OptionalInt.of(0));
        assertThat(RaftSetup.nodeId(RaftPeerId.valueOf("node-x"))).isEmpty();
        assertThat(RaftSetup.nodeId(RaftPeerId.valueOf("peer-3"))).isEmpty();
    }

    @Test
    void listenerPeerIdsCarryTheirNodeIdAndChangeWithTheAddress() {
        RaftPeerId id = RaftSetup.listenerPeerId(4, InetSocketAddress.createUnresolved("10.0.0.4", 7004));
        assertThat(RaftSetup.nodeId(id)).isEqualTo(OptionalInt.of(4));
        assertThat(id).isEqualTo(RaftSetup.listenerPeerId(4, InetSocketAddress.createUnresolved("10.0.0.4", 7004)))
                .isNotEqualTo(RaftSetup.listenerPeerId(4, InetSocketAddress.createUnresolved("10.0.0.4", 7005)))
                .isNotEqualTo(RaftSetup.peerId(4));
        assertThat(RaftSetup.listenerPeer(4, InetSocketAddress.createUnresolved("10.0.0.4", 7004)).getAddress())
                .isEqualTo("10.0.0.4:7004");
        assertThat(RaftSetup.parseHostPort("10.0.0.4:7004"))
                .isEqualTo(InetSocketAddress.createUnresolved("10.0.0.4", 7004));
    }
}
