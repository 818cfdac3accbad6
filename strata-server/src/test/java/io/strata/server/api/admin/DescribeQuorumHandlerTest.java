package io.strata.server.api.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.QuorumStatus;
import io.strata.metadata.QuorumStatus.ReplicaProgress;
import io.strata.server.api.ControllerQuorum;
import io.strata.server.api.RequestContext;
import io.strata.server.network.ConnectionInfo;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeQuorumRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class DescribeQuorumHandlerTest {

    private static final TopicPartition METADATA = new TopicPartition("__cluster_metadata", 0);

    private final ControllerQuorum quorum = new ControllerQuorum();
    private final DescribeQuorumHandler handler = new DescribeQuorumHandler(quorum, Map.of(
            1, new InetSocketAddress("127.0.0.1", 9093), 2, new InetSocketAddress("127.0.0.1", 9193)),
            "CONTROLLER", 5_000);

    private DescribeQuorumResponseData describe(DescribeQuorumRequestData data, int version) {
        RequestContext context = new RequestContext(new RequestHeader(ApiKeys.DESCRIBE_QUORUM, (short) version,
                "c", 1), new ConnectionInfo("c1", "PLAINTEXT", new InetSocketAddress("127.0.0.1", 5555)));
        return (DescribeQuorumResponseData) handler.handle(context,
                new DescribeQuorumRequest.Builder(data).build((short) version));
    }

    private static PartitionData partition(DescribeQuorumResponseData response) {
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.topics()).singleElement().satisfies(t ->
                assertThat(t.topicName()).isEqualTo("__cluster_metadata"));
        return response.topics().get(0).partitions().get(0);
    }

    @Test
    void answersWithTheLeadersViewAndTheVotersEndpoints() {
        quorum.quorumStatus(CompletableFuture.completedFuture(new QuorumStatus(1, 4, 57, List.of(
                new ReplicaProgress(1, 57, OptionalLong.of(1000), OptionalLong.of(1000)),
                new ReplicaProgress(2, 50, OptionalLong.of(990), OptionalLong.empty())), List.of())));
        PartitionData p = partition(describe(DescribeQuorumRequest.singletonRequest(METADATA), 2));
        assertThat(p.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(p.leaderId()).isEqualTo(1);
        assertThat(p.leaderEpoch()).isEqualTo(4);
        assertThat(p.highWatermark()).isEqualTo(57);
        assertThat(p.observers()).isEmpty();
        assertThat(p.currentVoters()).hasSize(2);
        DescribeQuorumResponseData.ReplicaState follower = p.currentVoters().get(1);
        assertThat(follower.replicaId()).isEqualTo(2);
        assertThat(follower.logEndOffset()).isEqualTo(50);
        assertThat(follower.lastFetchTimestamp()).isEqualTo(990);
        assertThat(follower.lastCaughtUpTimestamp()).isEqualTo(-1);
        assertThat(follower.replicaDirectoryId()).isEqualTo(Uuid.ZERO_UUID);

        DescribeQuorumResponseData v2 = describe(DescribeQuorumRequest.singletonRequest(METADATA), 2);
        assertThat(v2.nodes()).hasSize(2);
        assertThat(v2.nodes().find(2).listeners().find("CONTROLLER").port()).isEqualTo(9193);
        // v0 has neither timestamps nor nodes
        PartitionData v0 = partition(describe(DescribeQuorumRequest.singletonRequest(METADATA), 0));
        assertThat(v0.currentVoters().get(1).lastFetchTimestamp()).isEqualTo(-1);
    }

    @Test
    void answersNotLeaderOrFollowerWhenNoLeaderAnswers() {
        PartitionData p = partition(describe(DescribeQuorumRequest.singletonRequest(METADATA), 2));
        assertThat(p.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(p.leaderId()).isEqualTo(-1);
    }

    @Test
    void anyOtherPartitionIsUnknown() {
        DescribeQuorumResponseData response = describe(DescribeQuorumRequest.singletonRequest(
                new TopicPartition("orders", 0)), 2);
        assertThat(response.topics().get(0).partitions().get(0).errorCode())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }
}
