package io.strata.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BrokerKeyTableTest {

    @Test
    void everyKeyHasADocLineAndAppearsOnce() {
        assertThat(BrokerKeyTable.KEYS).isNotEmpty()
                .allSatisfy(k -> assertThat(k.doc()).isNotBlank());
        assertThat(BrokerKeyTable.KEYS.stream().map(BrokerConfigKey::name).distinct().count())
                .isEqualTo(BrokerKeyTable.KEYS.size());
    }

    @Test
    void givenValuesOverrideTheDefaultsAndKeysWithoutADefaultStayUnset() {
        Map<String, String> values = BrokerKeyTable.withDefaults(Map.of("node.id", "7", "broker.rack", "r1"));
        assertThat(values).containsEntry("node.id", "7").containsEntry("broker.rack", "r1")
                .containsEntry("listener.security.protocol.map",
                        "SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT")
                .containsEntry("replica.lag.time.max.ms", "30000")
                .doesNotContainKey("advertised.listeners");
        assertThat(values.keySet()).startsWith("process.roles", "node.id");
    }

    @Test
    void onlyKafkaKeysThisNodeDoesNotActOnAreAcceptedWithoutEffect() {
        assertThat(BrokerKeyTable.acceptedWithoutEffect(Set.of(
                "num.network.threads", // Kafka's, no effect
                "log.preallocate", // a topic default's broker synonym that Strata does not apply
                "broker.heartbeat.interval.ms", // listed for DescribeConfigs only
                "node.id", "log.retention.hours", // in the table
                "log.segment.bytes", // an applied topic default's synonym
                "ssl.keystore.location", "sasl.jaas.config", // read per listener
                "group.max.size", "log.dir", // read by other components
                "no.such.kafka.key"))) // unknown to Kafka too: ignored
                .containsExactly("broker.heartbeat.interval.ms", "log.preallocate", "num.network.threads");
        assertThat(BrokerKeyTable.acceptedWithoutEffect(Set.of())).isEmpty();
    }
}
