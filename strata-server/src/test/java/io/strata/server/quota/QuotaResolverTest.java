package io.strata.server.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.ClientQuotaEntity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QuotaResolverTest {

    private static final Optional<String> DEFAULT = Optional.empty();

    /** Kafka's eight levels, highest first, each with the tags its rate is measured under for alice/app. */
    private static final List<Level> LEVELS = List.of(
            new Level(ClientQuotaEntity.userAndClientId(Optional.of("alice"), Optional.of("app")), "alice", "app"),
            new Level(ClientQuotaEntity.userAndClientId(Optional.of("alice"), DEFAULT), "alice", "app"),
            new Level(ClientQuotaEntity.user(Optional.of("alice")), "alice", ""),
            new Level(ClientQuotaEntity.userAndClientId(DEFAULT, Optional.of("app")), "alice", "app"),
            new Level(ClientQuotaEntity.userAndClientId(DEFAULT, DEFAULT), "alice", "app"),
            new Level(ClientQuotaEntity.user(DEFAULT), "alice", ""),
            new Level(ClientQuotaEntity.clientId(Optional.of("app")), "", "app"),
            new Level(ClientQuotaEntity.clientId(DEFAULT), "", "app"));

    private record Level(ClientQuotaEntity entity, String userTag, String clientTag) {
    }

    @Test
    void eachLevelBeatsEveryLevelBelowIt() {
        for (int top = 0; top < LEVELS.size(); top++) {
            Map<ClientQuotaEntity, Map<String, Double>> quotas = new HashMap<>();
            for (int i = top; i < LEVELS.size(); i++) {
                quotas.put(LEVELS.get(i).entity(), Map.of("producer_byte_rate", 1000.0 + i));
            }
            QuotaResolver.Match match = QuotaResolver.resolve(quotas, QuotaType.PRODUCE, "alice", "app")
                    .orElseThrow();
            Level expected = LEVELS.get(top);
            assertThat(match.entity()).as("level %d", top + 1).isEqualTo(expected.entity());
            assertThat(match.bound()).isEqualTo(1000.0 + top);
            assertThat(match.userTag()).isEqualTo(expected.userTag());
            assertThat(match.clientTag()).isEqualTo(expected.clientTag());
        }
    }

    @Test
    void resolvesEachQuotaTypeOnItsOwn() {
        Map<ClientQuotaEntity, Map<String, Double>> quotas = Map.of(
                ClientQuotaEntity.user(Optional.of("alice")), Map.of("producer_byte_rate", 100.0),
                ClientQuotaEntity.clientId(DEFAULT), Map.of("consumer_byte_rate", 200.0));
        assertThat(QuotaResolver.resolve(quotas, QuotaType.PRODUCE, "alice", "app").orElseThrow().bound())
                .isEqualTo(100.0);
        assertThat(QuotaResolver.resolve(quotas, QuotaType.FETCH, "alice", "app").orElseThrow().entity())
                .isEqualTo(ClientQuotaEntity.clientId(DEFAULT));
        assertThat(QuotaResolver.resolve(quotas, QuotaType.REQUEST, "alice", "app")).isEmpty();
        assertThat(QuotaResolver.resolve(quotas, QuotaType.PRODUCE, "bob", "app")).isEmpty();
    }
}
