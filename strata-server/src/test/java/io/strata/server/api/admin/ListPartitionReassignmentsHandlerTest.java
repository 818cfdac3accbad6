package io.strata.server.api.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.NewTopic;
import io.strata.metadata.PartitionReassignment;
import io.strata.server.api.ControllerQuorum;
import io.strata.server.api.RequestContext;
import io.strata.server.network.ConnectionInfo;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingPartitionReassignment;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ListPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class ListPartitionReassignmentsHandlerTest {

    private final ControllerQuorum quorum = ControllerQuorum.withBrokers(3);
    private final ListPartitionReassignmentsHandler handler = new ListPartitionReassignmentsHandler(quorum);

    private ListPartitionReassignmentsHandlerTest() {
        quorum.createTopics(List.of(new NewTopic("t", -1, (short) -1, Map.of(0, List.of(1, 2), 1, List.of(1, 2)),
                Map.of())), false).join();
    }

    private ListPartitionReassignmentsResponseData list(List<ListPartitionReassignmentsTopics> topics) {
        RequestContext context = new RequestContext(
                new RequestHeader(ApiKeys.LIST_PARTITION_REASSIGNMENTS, (short) 0, "c", 1),
                new ConnectionInfo("c1", "PLAINTEXT", new InetSocketAddress("127.0.0.1", 5555)));
        return (ListPartitionReassignmentsResponseData) handler.handle(context,
                new ListPartitionReassignmentsRequest.Builder(new ListPartitionReassignmentsRequestData()
                        .setTopics(topics)).build((short) 0));
    }

    @Test
    void listsOngoingReassignmentsWithTheirUnionAddingAndRemovingReplicas() {
        assertThat(list(null).topics()).isEmpty();
        quorum.alterPartitionReassignments(List.of(new PartitionReassignment("t", 1, Optional.of(List.of(2, 3)))),
                true).join();

        ListPartitionReassignmentsResponseData all = list(null);
        assertThat(all.topics()).hasSize(1);
        assertThat(all.topics().get(0).name()).isEqualTo("t");
        OngoingPartitionReassignment ongoing = all.topics().get(0).partitions().get(0);
        assertThat(ongoing.partitionIndex()).isEqualTo(1);
        assertThat(ongoing.replicas()).containsExactly(2, 3, 1);
        assertThat(ongoing.addingReplicas()).containsExactly(3);
        assertThat(ongoing.removingReplicas()).containsExactly(1);

        // Partitions not being reassigned, and unknown ones, are left out.
        ListPartitionReassignmentsResponseData some = list(List.of(
                new ListPartitionReassignmentsTopics().setName("t").setPartitionIndexes(List.of(0, 1, 9)),
                new ListPartitionReassignmentsTopics().setName("unknown").setPartitionIndexes(List.of(0))));
        assertThat(some.topics()).hasSize(1);
        assertThat(some.topics().get(0).partitions()).extracting(OngoingPartitionReassignment::partitionIndex)
                .containsExactly(1);
        assertThat(list(List.of(new ListPartitionReassignmentsTopics().setName("t")
                .setPartitionIndexes(List.of(0)))).topics()).isEmpty();
    }
}
