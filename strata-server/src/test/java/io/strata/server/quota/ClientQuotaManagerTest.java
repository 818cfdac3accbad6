package io.strata.server.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.metadata.ClientQuotaChange;
import io.strata.metadata.ClientQuotaEntity;
import io.strata.server.api.ControllerQuorum;
import io.strata.server.coordinator.ManualTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientQuotaManagerTest {

    private final ControllerQuorum quorum = ControllerQuorum.withBrokers(1);
    private final ManualTime time = new ManualTime();
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ClientQuotaManager quotas = new ClientQuotaManager(quorum::image,
            ClientQuotaManager.Windows.DEFAULTS, time, registry);

    private void set(ClientQuotaEntity entity, String key, double value) {
        quorum.alterClientQuotas(List.of(new ClientQuotaChange(entity, Map.of(key, Optional.of(value))))).join();
    }

    @Test
    void aUserQuotaIsSharedByItsClientIdsAndLeavesOtherUsersAlone() {
        set(ClientQuotaEntity.user(Optional.of("alice")), "producer_byte_rate", 1000);
        assertThat(quotas.recordAndGetThrottleTimeMs(QuotaType.PRODUCE, "alice", "a", 6000)).isZero();
        // 12,000 bytes over the 10 s span: 1,200/s, 20 % over, so 2 s of throttling.
        assertThat(quotas.recordAndGetThrottleTimeMs(QuotaType.PRODUCE, "alice", "b", 6000)).isEqualTo(2000);
        assertThat(quotas.recordAndGetThrottleTimeMs(QuotaType.PRODUCE, "bob", "a", 1_000_000)).isZero();
        assertThat(quotas.recordAndGetThrottleTimeMs(QuotaType.FETCH, "alice", "a", 1_000_000)).isZero();
        assertThat(registry.scrape().stream().filter(m -> m.getMetadata().getPrometheusName()
                .equals("kafka_server_produce_throttle_time_ms")).findFirst().orElseThrow().getDataPoints())
                .hasSize(1);
    }

    @Test
    void aDefaultClientIdQuotaMeasuresEachClientIdOnItsOwn() {
        set(ClientQuotaEntity.clientId(Optional.empty()), "consumer_byte_rate", 1000);
        assertThat(quotas.recordAndGetThrottleTimeMs(QuotaType.FETCH, "ANONYMOUS", "one", 10_000)).isZero();
        assertThat(quotas.recordAndGetThrottleTimeMs(QuotaType.FETCH, "ANONYMOUS", "two", 10_000)).isZero();
        assertThat(quotas.recordAndGetThrottleTimeMs(QuotaType.FETCH, "other", "one", 10_000)).isEqualTo(10_000);
        time.sleep(11_000); // every window has expired
        assertThat(quotas.recordAndGetThrottleTimeMs(QuotaType.FETCH, "other", "one", 10_000)).isZero();
    }

    @Test
    void aChangedQuotaAppliesAtOnce() {
        ClientQuotaEntity app = ClientQuotaEntity.clientId(Optional.of("app"));
        set(app, "producer_byte_rate", 1000);
        assertThat(quotas.recordAndGetThrottleTimeMs(QuotaType.PRODUCE, "u", "app", 20_000)).isEqualTo(10_000);
        set(app, "producer_byte_rate", 4000);
        assertThat(quotas.recordAndGetThrottleTimeMs(QuotaType.PRODUCE, "u", "app", 0)).isZero();
        quorum.alterClientQuotas(List.of(new ClientQuotaChange(app, Map.of("producer_byte_rate",
                Optional.empty())))).join();
        assertThat(quotas.anyQuotas()).isFalse();
    }

    @Test
    void requestTimeIsBoundedByOneWindow() {
        set(ClientQuotaEntity.user(Optional.of("alice")), "request_percentage", 10);
        // 100 percent-seconds (one thread busy for a second) over 10 s is 10 %: at the bound.
        assertThat(quotas.recordAndGetThrottleTimeMs(QuotaType.REQUEST, "alice", "", 100)).isZero();
        assertThat(quotas.recordAndGetThrottleTimeMs(QuotaType.REQUEST, "alice", "", 1000)).isEqualTo(1000);
    }

    @Test
    void controllerMutationsUseATokenBucket() {
        set(ClientQuotaEntity.user(Optional.of("alice")), "controller_mutation_rate", 1);
        quotas.recordMutations("alice", "admin", 11);
        assertThat(quotas.mutationOverrunMs("alice", "admin")).isZero();
        quotas.recordMutations("alice", "admin", 2);
        assertThat(quotas.mutationOverrunMs("alice", "admin")).isEqualTo(2000);
        assertThat(quotas.mutationThrottleTimeMs("alice", "admin")).isEqualTo(2000);
        time.sleep(2000);
        assertThat(quotas.mutationOverrunMs("alice", "admin")).isZero();
    }
}
