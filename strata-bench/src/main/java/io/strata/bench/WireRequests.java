package io.strata.bench;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * The Produce and Fetch requests and responses of the bench's raw-socket load, at one fixed version each so that
 * both brokers parse the same bytes: Produce v9 and Fetch v12, the newest versions that name topics (later ones
 * use topic ids). Stateless.
 */
final class WireRequests {

    static final short PRODUCE_VERSION = 9;
    static final short FETCH_VERSION = 12;

    private WireRequests() {
    }

    /**
     * A framed consumer Fetch (replica id -1, no fetch session, read uncommitted) of {@code partitions[i]} from
     * {@code offsets[i]}, up to {@code partitionMaxBytes} each, that the broker may hold for {@code maxWaitMs} until
     * at least one byte is there.
     */
    static byte[] fetch(String topic, int[] partitions, long[] offsets, int maxWaitMs, int partitionMaxBytes,
                        String clientId) {
        FetchRequestData.FetchTopic ft = new FetchRequestData.FetchTopic().setTopic(topic);
        for (int i = 0; i < partitions.length; i++) {
            ft.partitions().add(new FetchRequestData.FetchPartition().setPartition(partitions[i])
                    .setFetchOffset(offsets[i]).setPartitionMaxBytes(partitionMaxBytes));
        }
        FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(maxWaitMs).setMinBytes(1)
                .setMaxBytes(50 * 1024 * 1024).setSessionId(0).setSessionEpoch(-1).setTopics(List.of(ft));
        return WireSocket.frame(new FetchRequest(data, FETCH_VERSION), clientId);
    }

    /** Parses a Fetch response read by {@link ResponseReader} (header included). */
    static FetchResponseData fetchResponse(ByteBuffer response) {
        ResponseHeader.parse(response, ApiKeys.FETCH.responseHeaderVersion(FETCH_VERSION));
        return ((FetchResponse) AbstractResponse.parseResponse(ApiKeys.FETCH, new ByteBufferAccessor(response),
                FETCH_VERSION)).data();
    }

    /** The first error of a Fetch response, top level or any partition's, as "what: ERROR"; empty when none. */
    static Optional<String> fetchError(FetchResponseData response) {
        if (response.errorCode() != Errors.NONE.code()) {
            return Optional.of("fetch: " + Errors.forCode(response.errorCode()));
        }
        for (FetchResponseData.FetchableTopicResponse t : response.responses()) {
            for (FetchResponseData.PartitionData p : t.partitions()) {
                if (p.errorCode() != Errors.NONE.code()) {
                    return Optional.of("fetch partition " + p.partitionIndex() + ": " + Errors.forCode(p.errorCode()));
                }
            }
        }
        return Optional.empty();
    }

    /** The correlation id of a Produce response, leaving the buffer at its body. */
    static int produceCorrelationId(ByteBuffer response) {
        return ResponseHeader.parse(response, ApiKeys.PRODUCE.responseHeaderVersion(PRODUCE_VERSION)).correlationId();
    }

    /** The first partition error of a Produce response body, as "what: ERROR"; empty when none. */
    static Optional<String> produceError(ByteBuffer body) {
        ProduceResponse response = (ProduceResponse) AbstractResponse.parseResponse(ApiKeys.PRODUCE,
                new ByteBufferAccessor(body), PRODUCE_VERSION);
        for (ProduceResponseData.TopicProduceResponse t : response.data().responses()) {
            for (ProduceResponseData.PartitionProduceResponse p : t.partitionResponses()) {
                if (p.errorCode() != Errors.NONE.code()) {
                    return Optional.of("produce partition " + p.index() + ": " + Errors.forCode(p.errorCode()));
                }
            }
        }
        return Optional.empty();
    }
}
