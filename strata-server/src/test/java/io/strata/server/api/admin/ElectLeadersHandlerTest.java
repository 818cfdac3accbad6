package io.strata.server.api.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.NewTopic;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.TopicImage;
import io.strata.server.api.ControllerQuorum;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.QuorumWaiter;
import io.strata.server.network.ConnectionInfo;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ElectLeadersRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class ElectLeadersHandlerTest {

    private final ControllerQuorum quorum = ControllerQuorum.withBrokers(3);
    private final ElectLeadersHandler handler = new ElectLeadersHandler(quorum, QuorumWaiter.withoutPublishing(5_000));

    /** Topic "t" with 3 partitions over brokers 1-3; broker 1 has restarted, so another broker leads its partition. */
    private ElectLeadersHandlerTest() {
        quorum.createTopics(List.of(new NewTopic("t", 3, (short) 3, Map.of(), Map.of())), false).join();
        quorum.controlledShutdown(1).join();
        quorum.registerBroker(new BrokerRegistration(1, Uuid.randomUuid(), List.of(), Optional.empty(), false))
                .join();
        TopicImage topic = quorum.image().topic("t").orElseThrow();
        topic.partitions().forEach((index, p) -> {
            List<Integer> isr = new ArrayList<>(p.isr());
            isr.add(1);
            quorum.alterPartition(topic.id(), index, p.leader(), p.leaderEpoch(), p.partitionEpoch(), isr).join();
        });
    }

    /** The partition of "t" whose preferred (first) replica is {@code broker}. */
    private TopicPartition preferring(int broker) {
        return quorum.image().topic("t").orElseThrow().partitions().entrySet().stream()
                .filter(e -> e.getValue().replicas().get(0) == broker)
                .map(e -> new TopicPartition("t", e.getKey())).findFirst().orElseThrow();
    }

    private PartitionImage state(TopicPartition tp) {
        return quorum.image().topic(tp.topic()).orElseThrow().partitions().get(tp.partition());
    }

    private ElectLeadersResponseData elect(ElectLeadersRequest request) {
        RequestContext context = new RequestContext(
                new RequestHeader(ApiKeys.ELECT_LEADERS, request.version(), "c", 1),
                new ConnectionInfo("c1", "PLAINTEXT", new InetSocketAddress("127.0.0.1", 5555)));
        return (ElectLeadersResponseData) handler.handle(context, request);
    }

    private static ElectLeadersRequest request(ElectionType type, List<TopicPartition> partitions, int version) {
        return new ElectLeadersRequest.Builder(type, partitions, 5_000).build((short) version);
    }

    private static Map<TopicPartition, Short> errors(ElectLeadersResponseData response) {
        Map<TopicPartition, Short> errors = new java.util.LinkedHashMap<>();
        for (ReplicaElectionResult topic : response.replicaElectionResults()) {
            for (PartitionResult p : topic.partitionResult()) {
                errors.put(new TopicPartition(topic.topic(), p.partitionId()), p.errorCode());
            }
        }
        return errors;
    }

    @Test
    void electsThePreferredReplicaAndAnswersKafkasErrorsPerPartitionGroupedByTopic() {
        TopicPartition moved = preferring(1);
        TopicPartition led = preferring(2);
        int epoch = state(moved).leaderEpoch();
        ElectLeadersResponseData response = elect(request(ElectionType.PREFERRED, List.of(moved, led,
                new TopicPartition("missing", 0), new TopicPartition("t", 9)), 2));

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.replicaElectionResults()).extracting(ReplicaElectionResult::topic)
                .containsExactlyInAnyOrder("t", "missing");
        assertThat(errors(response)).containsOnly(
                Map.entry(moved, Errors.NONE.code()),
                Map.entry(led, Errors.ELECTION_NOT_NEEDED.code()),
                Map.entry(new TopicPartition("missing", 0), Errors.UNKNOWN_TOPIC_OR_PARTITION.code()),
                Map.entry(new TopicPartition("t", 9), Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
        assertThat(response.replicaElectionResults()).flatExtracting(ReplicaElectionResult::partitionResult)
                .filteredOn(p -> p.errorCode() == Errors.NONE.code()).extracting(PartitionResult::errorMessage)
                .containsExactly((String) null);
        assertThat(state(moved).leader()).isEqualTo(1);
        assertThat(state(moved).leaderEpoch()).isEqualTo(epoch + 1);
    }

    @Test
    void aNullPartitionListElectsEveryPartitionAndLeavesOutThoseNeedingNoElection() {
        quorum.controlledShutdown(3).join(); // the partition preferring 3 cannot have it back
        TopicPartition unavailable = preferring(3);
        ElectLeadersResponseData response = elect(request(ElectionType.PREFERRED, null, 2));
        assertThat(errors(response)).containsOnly(Map.entry(preferring(1), Errors.NONE.code()),
                Map.entry(unavailable, Errors.PREFERRED_LEADER_NOT_AVAILABLE.code()));
    }

    @Test
    void versionZeroIsAPreferredElection() {
        TopicPartition moved = preferring(1);
        ElectLeadersResponseData response = elect(request(ElectionType.PREFERRED, List.of(moved), 0));
        assertThat(errors(response)).containsExactly(Map.entry(moved, Errors.NONE.code()));
    }

    @Test
    void uncleanElectionOfAPartitionWithALeaderIsNotNeeded() {
        ElectLeadersResponseData response = elect(request(ElectionType.UNCLEAN, List.of(preferring(2)), 1));
        assertThat(errors(response)).containsExactly(Map.entry(preferring(2), Errors.ELECTION_NOT_NEEDED.code()));
    }

    @Test
    void anUnknownElectionTypeIsAnInvalidRequest() {
        ElectLeadersRequest request = request(ElectionType.PREFERRED, List.of(preferring(1)), 2);
        request.data().setElectionType((byte) 7);
        int writes = quorum.writes();
        assertThatThrownBy(() -> elect(request)).isInstanceOf(InvalidRequestException.class);
        assertThat(quorum.writes()).isEqualTo(writes);
    }
}
