package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Test;

class WireRequestsTest {

    @Test
    void aFetchIsAFramedConsumerFetchOfTheGivenPartitionsAndOffsets() {
        byte[] framed = WireRequests.fetch("t", new int[] {3, 7}, new long[] {10, 20}, 500, 4096, "me");
        WireSocket.withCorrelationId(framed, 42);

        ByteBuffer buffer = ByteBuffer.wrap(framed);
        assertThat(buffer.getInt()).isEqualTo(framed.length - 4);
        RequestHeader header = RequestHeader.parse(buffer);
        FetchRequestData data = new FetchRequestData(new ByteBufferAccessor(buffer), header.apiVersion());

        assertThat(header.apiKey()).isEqualTo(ApiKeys.FETCH);
        assertThat(header.apiVersion()).isEqualTo(WireRequests.FETCH_VERSION);
        assertThat(header.correlationId()).isEqualTo(42);
        assertThat(header.clientId()).isEqualTo("me");
        assertThat(data.replicaId()).isEqualTo(-1);
        assertThat(data.maxWaitMs()).isEqualTo(500);
        assertThat(data.minBytes()).isEqualTo(1);
        assertThat(data.topics()).singleElement().satisfies(t -> {
            assertThat(t.topic()).isEqualTo("t");
            assertThat(t.partitions()).extracting(FetchRequestData.FetchPartition::partition).containsExactly(3, 7);
            assertThat(t.partitions()).extracting(FetchRequestData.FetchPartition::fetchOffset)
                    .containsExactly(10L, 20L);
            assertThat(t.partitions()).extracting(FetchRequestData.FetchPartition::partitionMaxBytes)
                    .containsOnly(4096);
        });
    }

    @Test
    void theFirstErrorOfAFetchResponseIsNamedWithItsPartition() {
        FetchResponseData ok = fetchResponse(Errors.NONE, Errors.NONE);
        FetchResponseData bad = fetchResponse(Errors.NONE, Errors.NOT_LEADER_OR_FOLLOWER);

        assertThat(WireRequests.fetchError(WireRequests.fetchResponse(serialize(ok, ApiKeys.FETCH,
                WireRequests.FETCH_VERSION)))).isEmpty();
        assertThat(WireRequests.fetchError(bad)).hasValue("fetch partition 1: NOT_LEADER_OR_FOLLOWER");
        assertThat(WireRequests.fetchError(new FetchResponseData().setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND
                .code()))).hasValue("fetch: FETCH_SESSION_ID_NOT_FOUND");
    }

    @Test
    void aProduceResponseGivesItsCorrelationIdAndItsFirstPartitionError() {
        ProduceResponseData data = new ProduceResponseData();
        ProduceResponseData.TopicProduceResponse t = new ProduceResponseData.TopicProduceResponse().setName("t");
        t.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse().setIndex(0));
        t.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse().setIndex(4)
                .setErrorCode(Errors.RECORD_LIST_TOO_LARGE.code()));
        data.responses().add(t);
        ByteBuffer response = serialize(data, ApiKeys.PRODUCE, WireRequests.PRODUCE_VERSION);

        assertThat(WireRequests.produceCorrelationId(response)).isEqualTo(7);
        assertThat(WireRequests.produceError(response)).hasValue("produce partition 4: RECORD_LIST_TOO_LARGE");
    }

    private static FetchResponseData fetchResponse(Errors p0, Errors p1) {
        FetchResponseData.FetchableTopicResponse t = new FetchResponseData.FetchableTopicResponse().setTopic("t");
        t.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(0).setErrorCode(p0.code()));
        t.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(1).setErrorCode(p1.code()));
        FetchResponseData data = new FetchResponseData();
        data.responses().add(t);
        return data;
    }

    /** A response as {@link ResponseReader} returns it: header (correlation id 7) and body, no size prefix. */
    private static ByteBuffer serialize(ApiMessage body, ApiKeys api, short version) {
        return RequestUtils.serialize(new ResponseHeaderData().setCorrelationId(7), api.responseHeaderVersion(version),
                body, version);
    }
}
