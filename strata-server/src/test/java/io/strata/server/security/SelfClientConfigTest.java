package io.strata.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;

class SelfClientConfigTest {

    @Test
    void plaintextNamesOnlyTheListener() {
        Properties props = SelfClientConfig.plaintext("127.0.0.1:9092").properties(Map.of("client.id", "c"));
        assertThat(props).containsOnly(Map.entry("bootstrap.servers", "127.0.0.1:9092"), Map.entry("client.id", "c"));
    }

    @Test
    void saslUserIsTheInterBrokerOneWithItsPasswordQuotedForJaas() {
        BrokerClientSecurity security = new BrokerClientSecurity(SecurityProtocolName.SASL_PLAINTEXT,
                Optional.empty(), Optional.of("SCRAM-SHA-512"), "broker", "p\"w\\d");
        SelfClientConfig config = SelfClientConfig.of("h:1", security);
        Properties props = config.properties(Map.of("security.protocol", "PLAINTEXT"));

        assertThat(props.get("security.protocol")).as("the connection's settings win").isEqualTo("SASL_PLAINTEXT");
        assertThat(props.get("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
        var entries = JaasContext.loadClientContext(Map.of("sasl.jaas.config",
                new Password((String) props.get("sasl.jaas.config")))).configurationEntries();
        assertThat(entries).hasSize(1);
        assertThat(entries.getFirst().getLoginModuleName())
                .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
        Map<String, ?> options = entries.getFirst().getOptions();
        assertThat(options.get("username")).isEqualTo("broker");
        assertThat(options.get("password")).isEqualTo("p\"w\\d");
        assertThat(config.toString()).doesNotContain("p\"w");
    }
}
