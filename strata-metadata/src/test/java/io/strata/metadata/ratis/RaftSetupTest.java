package io.strata.metadata.ratis;

import static org.assertj.core.api.Assertions.assertThat;

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
}
