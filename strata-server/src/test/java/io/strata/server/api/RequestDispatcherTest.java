package io.strata.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.network.ConnectionInfo;
import io.strata.server.network.RequestChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class RequestDispatcherTest {

    private static final ConnectionInfo CONNECTION = new ConnectionInfo("c1", "PLAINTEXT",
            new InetSocketAddress("127.0.0.1", 5555));

    private final RequestDispatcher dispatcher = new RequestDispatcher()
            .register(ApiKeys.METADATA, 0, 13, (ctx, req) -> new MetadataResponseData())
            .register(ApiKeys.PRODUCE, 3, 13, (ctx, req) -> new ProduceResponseData());

    private static ByteBuffer frame(AbstractRequest request, int correlationId) {
        return request.serializeWithHeader(new RequestHeader(request.apiKey(), request.version(), "t", correlationId));
    }

    private static AbstractResponse parse(RequestChannel.Outcome outcome, AbstractRequest request, int correlationId)
            throws Exception {
        assertThat(outcome).isInstanceOf(RequestChannel.Respond.class);
        var send = ((RequestChannel.Respond) outcome).send();
        var sink = new java.io.ByteArrayOutputStream();
        var channel = new CapturingChannel(sink);
        while (!send.completed()) {
            send.writeTo(channel);
        }
        ByteBuffer bytes = ByteBuffer.wrap(sink.toByteArray());
        bytes.getInt(); // size prefix
        return AbstractResponse.parseResponse(bytes,
                new RequestHeader(request.apiKey(), request.version(), "t", correlationId));
    }

    @Test
    void routesToTheHandlerAndSerializesAtTheRequestVersion() throws Exception {
        dispatcher.register(ApiKeys.METADATA, 0, 13, (ctx, req) -> new MetadataResponseData().setClusterId("abc"));
        MetadataRequest request = MetadataRequest.Builder.allTopics().build((short) 9);
        MetadataResponse response = (MetadataResponse) parse(dispatcher.handle(CONNECTION, frame(request, 7)),
                request, 7);
        assertThat(response.clusterId()).isEqualTo("abc");
    }

    @Test
    void handlerExceptionsBecomeKafkaErrorResponses() throws Exception {
        dispatcher.register(ApiKeys.METADATA, 0, 13, (ctx, req) -> {
            throw new NotLeaderOrFollowerException("nope");
        });
        MetadataRequest request = new MetadataRequest.Builder(java.util.List.of("t"), false).build((short) 12);
        MetadataResponse response = (MetadataResponse) parse(dispatcher.handle(CONNECTION, frame(request, 1)),
                request, 1);
        assertThat(response.errors()).containsEntry("t", Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void malformedAndUnadvertisedRequestsDisconnect() {
        assertThat(dispatcher.handle(CONNECTION, ByteBuffer.wrap(new byte[] {1, 2, 3})))
                .isInstanceOf(RequestChannel.Disconnect.class);
        ByteBuffer unadvertised = ByteBuffer.allocate(10).putShort((short) 4).putShort((short) 0).putInt(1)
                .putShort((short) -1).flip();
        assertThat(dispatcher.handle(CONNECTION, unadvertised)).isInstanceOf(RequestChannel.Disconnect.class);
        ByteBuffer tooNew = ByteBuffer.allocate(10).putShort(ApiKeys.METADATA.id).putShort((short) 99).putInt(1)
                .putShort((short) -1).flip();
        assertThat(dispatcher.handle(CONNECTION, tooNew)).isInstanceOf(RequestChannel.Disconnect.class);
    }

    @Test
    void acksZeroProduceGetsNoResponseUnlessItFailed() {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 0).setTimeoutMs(1000);
        ProduceRequest request = ProduceRequest.builder(data).build((short) 9);
        dispatcher.register(ApiKeys.PRODUCE, 3, 13, (ctx, req) -> new ProduceResponseData());
        assertThat(dispatcher.handle(CONNECTION, frame(request, 1))).isInstanceOf(RequestChannel.NoResponse.class);

        dispatcher.register(ApiKeys.PRODUCE, 3, 13, (ctx, req) -> {
            ProduceResponseData failed = new ProduceResponseData();
            ProduceResponseData.TopicProduceResponse topic = new ProduceResponseData.TopicProduceResponse()
                    .setName("t");
            topic.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse()
                    .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code()));
            failed.responses().add(topic);
            return failed;
        });
        assertThat(dispatcher.handle(CONNECTION, frame(request, 2))).isInstanceOf(RequestChannel.Disconnect.class);
    }

    @Test
    void countsTimesAndErrorsOfEveryRequestInItsMetrics() throws Exception {
        var registry = new io.prometheus.metrics.model.registry.PrometheusRegistry();
        RequestDispatcher metered = new RequestDispatcher(new io.strata.server.metrics.RequestMetrics(registry))
                .register(ApiKeys.METADATA, 0, 13, (ctx, req) -> {
                    throw new NotLeaderOrFollowerException("nope");
                })
                .register(ApiKeys.PRODUCE, 3, 13, (ctx, req) -> new ProduceResponseData().setResponses(
                        new ProduceResponseData.TopicProduceResponseCollection(java.util.List.of(
                                new ProduceResponseData.TopicProduceResponse().setName("t").setPartitionResponses(
                                        java.util.List.of(new ProduceResponseData.PartitionProduceResponse()
                                                .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code()),
                                                new ProduceResponseData.PartitionProduceResponse())))
                                .iterator())));
        MetadataRequest metadata = new MetadataRequest.Builder(java.util.List.of("t"), false).build((short) 12);
        parse(metered.handle(CONNECTION, frame(metadata, 1)), metadata, 1);
        ProduceRequest produce = ProduceRequest.builder(new ProduceRequestData().setAcks((short) 1)
                .setTimeoutMs(1000)).build((short) 9);
        parse(metered.handle(CONNECTION, frame(produce, 2)), produce, 2);

        String text = io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create()
                .toDebugString(registry.scrape());
        assertThat(text).contains("kafka_network_requestmetrics_requests_total{request=\"Metadata\"} 1.0",
                "kafka_network_requestmetrics_requests_total{request=\"Produce\"} 1.0",
                "kafka_network_requestmetrics_totaltimems_count{request=\"Produce\"} 1",
                "kafka_network_requestmetrics_localtimems_count{request=\"Metadata\"} 1",
                "kafka_network_requestmetrics_errors_total{error=\"NOT_LEADER_OR_FOLLOWER\",request=\"Metadata\"} 1.0",
                "kafka_network_requestmetrics_errors_total{error=\"NOT_LEADER_OR_FOLLOWER\",request=\"Produce\"} 1.0");
    }

    @Test
    void advertisesExactlyTheRegisteredRanges() {
        assertThat(dispatcher.versions().ranges()).containsOnlyKeys(ApiKeys.METADATA, ApiKeys.PRODUCE);
        assertThat(dispatcher.versions().isSupported(ApiKeys.PRODUCE, (short) 2)).isFalse();
        assertThat(dispatcher.versions().isSupported(ApiKeys.PRODUCE, (short) 13)).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dispatcher.register(ApiKeys.FETCH, 0, 99,
                (ctx, req) -> new MetadataResponseData())).isInstanceOf(IllegalArgumentException.class);
    }

    /** Collects what a Send writes. */
    private static final class CapturingChannel implements org.apache.kafka.common.network.TransferableChannel {
        private final java.io.ByteArrayOutputStream sink;

        CapturingChannel(java.io.ByteArrayOutputStream sink) {
            this.sink = sink;
        }

        @Override
        public boolean hasPendingWrites() {
            return false;
        }

        @Override
        public long transferFrom(java.nio.channels.FileChannel fileChannel, long position, long count) {
            throw new AssertionError("no file regions expected");
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += write(srcs[i]);
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            byte[] b = new byte[n];
            src.get(b);
            sink.writeBytes(b);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
