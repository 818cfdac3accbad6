package io.strata.server.api.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.NewTopic;
import io.strata.metadata.PartitionImage;
import io.strata.server.api.ControllerQuorum;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.QuorumWaiter;
import io.strata.server.network.ConnectionInfo;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class AlterPartitionReassignmentsHandlerTest {

    private final ControllerQuorum quorum = ControllerQuorum.withBrokers(3);
    private final AlterPartitionReassignmentsHandler handler = new AlterPartitionReassignmentsHandler(quorum,
            QuorumWaiter.withoutPublishing(5_000));

    private AlterPartitionReassignmentsHandlerTest() {
        quorum.createTopics(List.of(new NewTopic("t", -1, (short) -1, Map.of(0, List.of(1, 2), 1, List.of(1, 2)),
                Map.of())), false).join();
    }

    private static ReassignablePartition partition(int index, Integer... replicas) {
        return new ReassignablePartition().setPartitionIndex(index)
                .setReplicas(replicas == null ? null : Arrays.asList(replicas));
    }

    private AlterPartitionReassignmentsResponseData alter(short version, boolean allowFactorChange,
                                                          ReassignableTopic... topics) {
        AlterPartitionReassignmentsRequestData data = new AlterPartitionReassignmentsRequestData()
                .setTimeoutMs(5_000).setTopics(List.of(topics));
        if (version >= 1) {
            data.setAllowReplicationFactorChange(allowFactorChange);
        }
        RequestContext context = new RequestContext(
                new RequestHeader(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, version, "c", 1),
                new ConnectionInfo("c1", "PLAINTEXT", new InetSocketAddress("127.0.0.1", 5555)));
        return (AlterPartitionReassignmentsResponseData) handler.handle(context,
                new AlterPartitionReassignmentsRequest.Builder(data).build(version));
    }

    private static List<Short> errors(AlterPartitionReassignmentsResponseData response) {
        return response.responses().stream().flatMap(t -> t.partitions().stream())
                .map(ReassignablePartitionResponse::errorCode).toList();
    }

    @Test
    void startsCancelsAndRefusesPartitionByPartition() {
        AlterPartitionReassignmentsResponseData response = alter((short) 0, true,
                new ReassignableTopic().setName("t").setPartitions(List.of(partition(0, 2, 3),
                        partition(1, (Integer[]) null), partition(1, 3, 3), partition(1, 1, 7), partition(1))),
                new ReassignableTopic().setName("unknown").setPartitions(List.of(partition(0, 1))));

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.responses()).extracting(AlterPartitionReassignmentsResponseData.ReassignableTopicResponse::name)
                .containsExactly("t", "unknown");
        assertThat(errors(response)).containsExactly(Errors.NONE.code(), Errors.NO_REASSIGNMENT_IN_PROGRESS.code(),
                Errors.INVALID_REPLICA_ASSIGNMENT.code(), Errors.INVALID_REPLICA_ASSIGNMENT.code(),
                Errors.INVALID_REPLICA_ASSIGNMENT.code(), Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        PartitionImage moving = quorum.image().topic("t").orElseThrow().partitions().get(0);
        assertThat(moving.replicas()).containsExactly(2, 3, 1);
        assertThat(moving.addingReplicas()).containsExactly(3);

        AlterPartitionReassignmentsResponseData cancelled = alter((short) 0, true,
                new ReassignableTopic().setName("t").setPartitions(List.of(partition(0, (Integer[]) null))));
        assertThat(errors(cancelled)).containsExactly(Errors.NONE.code());
        assertThat(quorum.image().topic("t").orElseThrow().partitions().get(0).isReassigning()).isFalse();
    }

    @Test
    void versionOneRefusesReplicationFactorChangesWhenAskedAndSaysSo() {
        AlterPartitionReassignmentsResponseData refused = alter((short) 1, false,
                new ReassignableTopic().setName("t").setPartitions(List.of(partition(0, 1, 2, 3), partition(1, 3, 1))));
        assertThat(refused.allowReplicationFactorChange()).isFalse();
        assertThat(errors(refused)).containsExactly(Errors.INVALID_REPLICATION_FACTOR.code(), Errors.NONE.code());

        AlterPartitionReassignmentsResponseData allowed = alter((short) 1, true,
                new ReassignableTopic().setName("t").setPartitions(List.of(partition(0, 1, 2, 3))));
        assertThat(allowed.allowReplicationFactorChange()).isTrue();
        assertThat(errors(allowed)).containsExactly(Errors.NONE.code());
    }
}
