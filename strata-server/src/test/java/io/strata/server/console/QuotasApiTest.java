package io.strata.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.Test;

class QuotasApiTest {

    private final FakeSecurityCalls cluster = new FakeSecurityCalls();
    private final QuotasApi api = new QuotasApi(cluster);

    @Test
    void listsEveryEntityWithDefaultsInKafkasTextFormSortedAndSearched() {
        Map<String, String> defaultUser = new HashMap<>();
        defaultUser.put(ClientQuotaEntity.USER, null);
        cluster.quotas.put(new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, "bob")),
                Map.of("producer_byte_rate", 2048.0));
        cluster.quotas.put(new ClientQuotaEntity(defaultUser), Map.of("consumer_byte_rate", 1024.0));
        cluster.quotas.put(new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, "alice", ClientQuotaEntity.CLIENT_ID,
                "app")), Map.of("request_percentage", 50.0));
        cluster.quotas.put(new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, "app")),
                Map.of("producer_byte_rate", 1.5));

        Map<String, Object> all = api.list(Optional.empty(), new Paging(0, 50));
        assertThat(all).containsEntry("total", 4);
        assertThat(rows(all)).containsExactly("null/app", "<default>/null", "alice/app", "bob/null");
        assertThat(rows(api.list(Optional.of("APP"), new Paging(0, 50)))).containsExactly("null/app", "alice/app");
    }

    @Test
    void altersOneEntityValidatingFirst() {
        api.alter(Optional.of("alice"), Optional.empty(), Map.of("producer_byte_rate", "1048576"), List.of(), true);
        assertThat(cluster.quotas).isEmpty();
        api.alter(Optional.of("alice"), Optional.empty(), Map.of("producer_byte_rate", "1048576"), List.of(), false);
        ClientQuotaEntity alice = new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, "alice"));
        assertThat(cluster.quotas).containsEntry(alice, Map.of("producer_byte_rate", 1048576.0));
        api.alter(Optional.of("alice"), Optional.empty(), Map.of(), List.of("producer_byte_rate"), false);
        assertThat(cluster.quotas).isEmpty();

        api.alter(Optional.of("<default>"), Optional.of("app"), Map.of("consumer_byte_rate", "10"), List.of(), false);
        Map<String, String> entity = new HashMap<>();
        entity.put(ClientQuotaEntity.USER, null);
        entity.put(ClientQuotaEntity.CLIENT_ID, "app");
        assertThat(cluster.quotas).containsOnlyKeys(new ClientQuotaEntity(entity));
    }

    @Test
    void refusesNoEntityNoChangeAndNonNumbers() {
        assertThatThrownBy(() -> api.alter(Optional.empty(), Optional.empty(), Map.of("a", "1"), List.of(), false))
                .hasMessageContaining("name a user");
        assertThatThrownBy(() -> api.alter(Optional.of("a"), Optional.empty(), Map.of(), List.of(), false))
                .hasMessage("no quota to change");
        assertThatThrownBy(() -> api.alter(Optional.of("a"), Optional.empty(), Map.of("producer_byte_rate", "lots"),
                List.of(), false)).isInstanceOfSatisfying(ConsoleExchange.Refusal.class,
                        r -> assertThat(r.status).isEqualTo(400));
        assertThat(cluster.quotaRequests).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static List<String> rows(Map<String, Object> page) {
        return ((List<Map<String, Object>>) page.get("quotas")).stream()
                .map(r -> r.get("user") + "/" + r.get("clientId")).toList();
    }
}
