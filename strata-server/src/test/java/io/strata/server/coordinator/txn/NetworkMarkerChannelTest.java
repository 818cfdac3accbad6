package io.strata.server.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.NewTopic;
import io.strata.server.api.ControllerQuorum;
import io.strata.server.replication.ReplicationConfig;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** WriteTxnMarkers sent to a fake leader on a real socket, with the partitions' leaders from the metadata. */
class NetworkMarkerChannelTest {

    /** The coordinator's node: not the partitions' leader (node 1) unless a test says so. */
    private static final int COORDINATOR = 2;
    private static final Function<WriteTxnMarkersRequestData, WriteTxnMarkersResponseData> NOT_LOCAL = data -> {
        throw new AssertionError("the leader is another node");
    };

    private final ControllerQuorum quorum = new ControllerQuorum();
    private final List<WriteTxnMarkersRequestData> received = new CopyOnWriteArrayList<>();
    private ServerSocket server;

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /** A leader that answers each partition with its entry in {@code answers} (NONE if absent), on one connection. */
    private int fakeLeader(Map<TopicPartition, Errors> answers) throws IOException {
        server = new ServerSocket(0);
        Thread.ofVirtual().start(() -> {
            try (Socket s = server.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                while (true) {
                    byte[] frame = new byte[in.readInt()];
                    in.readFully(frame);
                    ByteBuffer buf = ByteBuffer.wrap(frame);
                    RequestHeader header = RequestHeader.parse(buf);
                    WriteTxnMarkersRequest request = (WriteTxnMarkersRequest) AbstractRequest.parseRequest(
                            ApiKeys.WRITE_TXN_MARKERS, header.apiVersion(), new ByteBufferAccessor(buf)).request;
                    received.add(request.data());
                    WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
                    for (WriteTxnMarkersRequestData.WritableTxnMarker m : request.data().markers()) {
                        WriteTxnMarkersResponseData.WritableTxnMarkerResult result =
                                new WriteTxnMarkersResponseData.WritableTxnMarkerResult().setProducerId(m.producerId());
                        for (WriteTxnMarkersRequestData.WritableTxnMarkerTopic t : m.topics()) {
                            WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult topic =
                                    new WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult().setName(t.name());
                            for (int p : t.partitionIndexes()) {
                                topic.partitions().add(new WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult()
                                        .setPartitionIndex(p).setErrorCode(answers.getOrDefault(
                                                new TopicPartition(t.name(), p), Errors.NONE).code()));
                            }
                            result.topics().add(topic);
                        }
                        response.markers().add(result);
                    }
                    ResponseHeader responseHeader = header.toResponseHeader();
                    ByteBuffer bytes = RequestUtils.serialize(responseHeader.data(), responseHeader.headerVersion(),
                            response, header.apiVersion());
                    out.writeInt(bytes.remaining());
                    out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                    out.flush();
                }
            } catch (IOException e) {
                // The test is over.
            }
        });
        return server.getLocalPort();
    }

    private void broker(int port) {
        quorum.registerBroker(new BrokerRegistration(1, Uuid.randomUuid(), List.of(
                new BrokerRegistration.Endpoint("PLAINTEXT", "127.0.0.1", port, "PLAINTEXT")), Optional.empty(), false))
                .join();
        quorum.createTopics(List.of(new NewTopic("t", 2, (short) 1, Map.of(), Map.of())), false).join();
    }

    private static MarkerChannel.Markers markers(TopicPartition... partitions) {
        return new MarkerChannel.Markers(42, (short) 3, true, 9, Set.of(partitions));
    }

    @Test
    void markersGoToTheLeaderWhichAnswersPerPartition() throws Exception {
        TopicPartition t0 = new TopicPartition("t", 0);
        TopicPartition t1 = new TopicPartition("t", 1);
        TopicPartition gone = new TopicPartition("gone", 0);
        broker(fakeLeader(Map.of(t1, Errors.NOT_LEADER_OR_FOLLOWER)));
        try (NetworkMarkerChannel channel = new NetworkMarkerChannel(COORDINATOR, quorum, interBroker(5000), NOT_LOCAL)) {
            assertThat(channel.write(markers(t0, t1, gone))).isEqualTo(Map.of(t0, Errors.NONE,
                    t1, Errors.NOT_LEADER_OR_FOLLOWER, gone, Errors.UNKNOWN_TOPIC_OR_PARTITION));
            // The connection is kept for the next transaction.
            assertThat(channel.write(markers(t1))).isEqualTo(Map.of(t1, Errors.NOT_LEADER_OR_FOLLOWER));
        }
        assertThat(received).hasSize(2);
        WriteTxnMarkersRequestData.WritableTxnMarker sent = received.get(0).markers().get(0);
        assertThat(sent.producerId()).isEqualTo(42);
        assertThat(sent.producerEpoch()).isEqualTo((short) 3);
        assertThat(sent.transactionResult()).isTrue();
        assertThat(sent.coordinatorEpoch()).isEqualTo(9);
    }

    @Test
    void aLeaderThatDoesNotKnowThePartitionYetIsAskedAgain() throws Exception {
        TopicPartition t0 = new TopicPartition("t", 0);
        broker(fakeLeader(Map.of(t0, Errors.UNKNOWN_TOPIC_OR_PARTITION)));
        try (NetworkMarkerChannel channel = new NetworkMarkerChannel(COORDINATOR, quorum, interBroker(5000), NOT_LOCAL)) {
            assertThat(channel.write(markers(t0))).isEqualTo(Map.of(t0, Errors.LEADER_NOT_AVAILABLE));
        }
    }

    @Test
    void anUnreachableLeaderIsANetworkError() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        broker(port);
        TopicPartition t0 = new TopicPartition("t", 0);
        try (NetworkMarkerChannel channel = new NetworkMarkerChannel(COORDINATOR, quorum, interBroker(2000), NOT_LOCAL)) {
            assertThat(channel.write(markers(t0))).isEqualTo(Map.of(t0, Errors.NETWORK_EXCEPTION));
        }
    }

    @Test
    void theMarkersOfPartitionsThisNodeLeadsAreWrittenInProcess() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0)) {
            port = closed.getLocalPort(); // nothing listens: a network write would fail
        }
        broker(port);
        TopicPartition t0 = new TopicPartition("t", 0);
        List<WriteTxnMarkersRequestData> local = new CopyOnWriteArrayList<>();
        try (NetworkMarkerChannel channel = new NetworkMarkerChannel(1, quorum, interBroker(2000), data -> {
            local.add(data);
            return new WriteTxnMarkersResponseData().setMarkers(List.of(
                    new WriteTxnMarkersResponseData.WritableTxnMarkerResult().setProducerId(42).setTopics(List.of(
                            new WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult().setName("t")
                                    .setPartitions(List.of(new WriteTxnMarkersResponseData
                                            .WritableTxnMarkerPartitionResult().setPartitionIndex(0)
                                            .setErrorCode(Errors.NONE.code())))))));
        })) {
            assertThat(channel.write(markers(t0))).isEqualTo(Map.of(t0, Errors.NONE));
        }
        assertThat(local).singleElement().satisfies(data -> {
            assertThat(data.markers().get(0).producerId()).isEqualTo(42);
            assertThat(data.markers().get(0).coordinatorEpoch()).isEqualTo(9);
        });
    }

    /** Plaintext inter-broker connections to PLAINTEXT listeners, with {@code timeoutMs} as the socket time-out. */
    private static ReplicationConfig interBroker(int timeoutMs) {
        return new ReplicationConfig(500, 1, 1 << 20, 10 << 20, 1000, timeoutMs, 1, "PLAINTEXT");
    }
}
