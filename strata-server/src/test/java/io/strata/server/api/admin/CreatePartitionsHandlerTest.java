package io.strata.server.api.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.NewTopic;
import io.strata.server.api.ControllerQuorum;
import io.strata.server.api.PartitionAdmission;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.QuorumWaiter;
import io.strata.server.network.ConnectionInfo;
import io.strata.server.resources.FileDescriptorGuard;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class CreatePartitionsHandlerTest {

    private final ControllerQuorum quorum = ControllerQuorum.withBrokers(1);

    private CreatePartitionsHandlerTest() {
        quorum.createTopics(List.of(new NewTopic("a", 30, (short) 1, Map.of(), Map.of()),
                new NewTopic("b", 1, (short) 1, Map.of(), Map.of())), false).join();
    }

    /** 1,024 descriptors, 256 of them reserved: {@code open} leaves room for 768 - open partitions. */
    private CreatePartitionsHandler handler(long open) {
        return new CreatePartitionsHandler(quorum, QuorumWaiter.withoutPublishing(5_000), new PartitionAdmission(
                new FileDescriptorGuard(() -> Optional.of(new FileDescriptorGuard.Usage(open, 1024)),
                        System::nanoTime)));
    }

    private static CreatePartitionsResponseData grow(CreatePartitionsHandler handler, Map<String, Integer> counts) {
        CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(5_000);
        counts.forEach((name, count) -> data.topics().add(
                new CreatePartitionsRequestData.CreatePartitionsTopic().setName(name).setCount(count)
                        .setAssignments(null)));
        RequestContext context = new RequestContext(
                new RequestHeader(ApiKeys.CREATE_PARTITIONS, (short) 3, "c", 1),
                new ConnectionInfo("c1", "PLAINTEXT", new InetSocketAddress("127.0.0.1", 5555)));
        return (CreatePartitionsResponseData) handler.handle(context,
                new CreatePartitionsRequest.Builder(data).build((short) 3));
    }

    @Test
    void refusesThirtyTwoThousandPartitionsAsAWholeWithKafkasMessage() {
        int writesBefore = quorum.writes();
        CreatePartitionsResponseData response = grow(handler(0), Map.of("a", 32_000, "b", 2));
        assertThat(response.results()).hasSize(2).allSatisfy(r -> {
            assertThat(r.errorCode()).isEqualTo(Errors.POLICY_VIOLATION.code());
            assertThat(r.errorMessage()).isEqualTo("Excessively large number of partitions per request.");
        });
        assertThat(quorum.writes() - writesBefore).isLessThanOrEqualTo(1);
        assertThat(quorum.image().topic("a").orElseThrow().partitions()).hasSize(30);
        assertThat(quorum.image().topic("b").orElseThrow().partitions()).hasSize(1);
    }

    @Test
    void countsOnlyNewPartitionsAgainstTheDescriptorsLeft() {
        // Room for 34 partitions: a from 30 to 60 and b from 1 to 5 is 34 new ones.
        CreatePartitionsResponseData response = grow(handler(734), Map.of("a", 60, "b", 5));
        assertThat(response.results()).allSatisfy(r -> assertThat(r.errorCode()).isEqualTo(Errors.NONE.code()));
        assertThat(quorum.image().topic("a").orElseThrow().partitions()).hasSize(60);
    }

    @Test
    void refusesTheWholeRequestWhenTheNodeLacksDescriptors() {
        int writesBefore = quorum.writes();
        CreatePartitionsResponseData response = grow(handler(734), Map.of("a", 60, "b", 6));
        assertThat(response.results()).hasSize(2).allSatisfy(r -> {
            assertThat(r.errorCode()).isEqualTo(Errors.POLICY_VIOLATION.code());
            assertThat(r.errorMessage()).contains("Not enough file descriptors", "35 new partition(s)");
        });
        assertThat(quorum.writes()).isEqualTo(writesBefore);
        assertThat(quorum.image().topic("a").orElseThrow().partitions()).hasSize(30);
    }
}
