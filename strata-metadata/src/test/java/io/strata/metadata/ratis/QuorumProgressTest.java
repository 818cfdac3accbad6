package io.strata.metadata.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.QuorumStatus;
import io.strata.metadata.QuorumStatus.ReplicaProgress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The leader's reading of Ratis is exercised by the quorum tests; here, its trip to the node that asked. */
class QuorumProgressTest {

    @Test
    void encodesAndDecodesEveryFieldWithUnknownValuesKeptUnknown() {
        QuorumStatus status = new QuorumStatus(2, 7, 120, List.of(
                new ReplicaProgress(1, 118, OptionalLong.of(1_700_000_000_000L), OptionalLong.empty()),
                new ReplicaProgress(2, 120, OptionalLong.of(1_700_000_000_100L), OptionalLong.of(1_700_000_000_100L)),
                new ReplicaProgress(3, -1, OptionalLong.empty(), OptionalLong.empty())),
                List.of(new ReplicaProgress(4, 100, OptionalLong.of(5), OptionalLong.of(4))));
        assertThat(QuorumProgress.decode(ByteBuffer.wrap(QuorumProgress.encode(status)))).isEqualTo(status);
    }
}
