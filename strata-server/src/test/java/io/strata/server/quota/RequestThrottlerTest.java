package io.strata.server.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.metadata.ClientQuotaChange;
import io.strata.metadata.ClientQuotaEntity;
import io.strata.server.api.ControllerQuorum;
import io.strata.server.api.RequestContext;
import io.strata.server.coordinator.ManualTime;
import io.strata.server.network.ConnectionInfo;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.DescribeClientQuotasRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class RequestThrottlerTest {

    private final ControllerQuorum quorum = ControllerQuorum.withBrokers(1);
    private final ManualTime time = new ManualTime();
    private final RequestThrottler throttler = new RequestThrottler(new ClientQuotaManager(quorum::image,
            ClientQuotaManager.Windows.DEFAULTS, time, new PrometheusRegistry()), quorum::image, 1);

    private void set(ClientQuotaEntity entity, String key, double value) {
        quorum.alterClientQuotas(List.of(new ClientQuotaChange(entity, Map.of(key, Optional.of(value))))).join();
    }

    private static RequestContext context(ApiKeys key, short version, String clientId) {
        return new RequestContext(new RequestHeader(key, version, clientId, 1),
                new ConnectionInfo("c1", "PLAINTEXT", new InetSocketAddress("127.0.0.1", 5555)));
    }

    @Test
    void aProducerOverItsQuotaGetsAThrottleTimeAndOthersDoNot() {
        set(ClientQuotaEntity.clientId(Optional.of("slow")), "producer_byte_rate", 1000);
        ProduceRequest request = ProduceRequest.builder(new ProduceRequestData().setAcks((short) 1)
                .setTimeoutMs(1000), true).build((short) 11);
        RequestThrottler.Throttled within = throttler.apply(context(ApiKeys.PRODUCE, (short) 11, "slow"), request,
                5_000, 0, new ProduceResponseData(), 0);
        assertThat(within.throttleMs()).isZero();
        RequestThrottler.Throttled over = throttler.apply(context(ApiKeys.PRODUCE, (short) 11, "slow"), request,
                15_000, 0, new ProduceResponseData(), 0);
        assertThat(over.throttleMs()).isEqualTo(10_000); // 20,000 bytes over 10 s is twice the quota
        assertThat(((ProduceResponseData) over.response()).throttleTimeMs()).isEqualTo(10_000);
        RequestThrottler.Throttled other = throttler.apply(context(ApiKeys.PRODUCE, (short) 11, "fast"), request,
                1_000_000, 0, new ProduceResponseData(), 0);
        assertThat(other.throttleMs()).isZero();
    }

    @Test
    void aConsumerOverItsQuotaGetsAnEmptyFetchAndItsBytesAreTakenBack() {
        set(ClientQuotaEntity.clientId(Optional.of("reader")), "consumer_byte_rate", 1000);
        FetchRequest request = new FetchRequest(new FetchRequestData().setReplicaId(-1).setMaxBytes(1_000_000),
                (short) 12);
        RequestContext context = context(ApiKeys.FETCH, (short) 12, "reader");
        FetchResponseData full = new FetchResponseData().setSessionId(7);
        full.responses().add(new FetchResponseData.FetchableTopicResponse().setTopic("t"));
        RequestThrottler.Throttled over = throttler.apply(context, request, 100, 0, full, 20_000);
        assertThat(over.throttleMs()).isEqualTo(10_000); // 20,000 bytes over 10 s is twice the quota
        FetchResponseData empty = (FetchResponseData) over.response();
        assertThat(empty.responses()).isEmpty();
        assertThat(empty.sessionId()).isEqualTo(7);
        assertThat(empty.throttleTimeMs()).isEqualTo(10_000);
        // Those bytes were not sent: a fetch within the quota goes through.
        assertThat(throttler.apply(context, request, 100, 0, full, 9_000).response()).isSameAs(full);
    }

    @Test
    void requestTimeCountsForOtherApis() {
        set(ClientQuotaEntity.user(Optional.of("ANONYMOUS")), "request_percentage", 1);
        DescribeClientQuotasRequest request = new DescribeClientQuotasRequest(new DescribeClientQuotasRequestData(),
                (short) 1);
        // Two seconds of handler time against 1 % of a thread over 10 s: throttled for at most one window.
        RequestThrottler.Throttled throttled = throttler.apply(context(ApiKeys.DESCRIBE_CLIENT_QUOTAS, (short) 1, ""),
                request, 100, 2_000_000_000L, new DescribeClientQuotasResponseData(), 0);
        assertThat(throttled.throttleMs()).isEqualTo(1000);
        assertThat(((DescribeClientQuotasResponseData) throttled.response()).throttleTimeMs()).isEqualTo(1000);
    }

    @Test
    void strictTopicCreationOverTheMutationQuotaIsRefused() {
        set(ClientQuotaEntity.user(Optional.empty()), "controller_mutation_rate", 1);
        CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(1000);
        data.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("t").setNumPartitions(20)
                .setReplicationFactor((short) 1));
        CreateTopicsRequest request = new CreateTopicsRequest.Builder(data).build((short) 7);
        RequestContext context = context(ApiKeys.CREATE_TOPICS, (short) 7, "admin");
        assertThat(throttler.admit(context, request)).isEmpty(); // within the burst of 11: admitted, 9 over
        CreateTopicsResponseData refused = (CreateTopicsResponseData) throttler.admit(context, request).orElseThrow();
        assertThat(refused.topics().find("t").errorCode()).isEqualTo(Errors.THROTTLING_QUOTA_EXCEEDED.code());
        assertThat(refused.throttleTimeMs()).isEqualTo(9000);
        time.sleep(9000);
        assertThat(throttler.admit(context, request)).isEmpty();
    }
}
