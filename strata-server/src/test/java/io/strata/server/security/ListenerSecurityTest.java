package io.strata.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.server.config.ServerConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ListenerSecurityTest {

    private static final String LISTENERS = "PLAINTEXT://:9092,SASL_PLAINTEXT://:9094,INTERNAL://:9095,"
            + "CONTROLLER://:9093";
    private static final String MAP = "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,INTERNAL:SASL_PLAINTEXT,"
            + "CONTROLLER:PLAINTEXT";

    @Test
    void plaintextListenersHaveNeitherTlsNorSasl() {
        ListenerSecurity plain = ListenerSecurity.resolve(config(Map.of()), "PLAINTEXT");
        assertThat(plain.protocol()).isEqualTo(SecurityProtocolName.PLAINTEXT);
        assertThat(plain.tls()).isEmpty();
        assertThat(plain.saslMechanisms()).isEmpty();
    }

    @Test
    void listenerPrefixedKeysWinOverUnprefixedOnes() {
        ServerConfig config = config(Map.of("sasl.enabled.mechanisms", "SCRAM-SHA-256",
                "listener.name.internal.sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512",
                "listener.name.internal.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" "
                        + "password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"a\\\"quoted\\\"\";",
                "listener.name.internal.connections.max.reauth.ms", "60000"));
        ListenerSecurity external = ListenerSecurity.resolve(config, "SASL_PLAINTEXT");
        assertThat(external.saslMechanisms()).containsExactly("SCRAM-SHA-256");
        assertThat(external.reauthMs()).isZero();
        ListenerSecurity internal = ListenerSecurity.resolve(config, "INTERNAL");
        assertThat(internal.saslMechanisms()).containsExactly("PLAIN", "SCRAM-SHA-512");
        assertThat(internal.plainUsers()).containsOnly(Map.entry("admin", "admin-secret"),
                Map.entry("alice", "a\"quoted\""));
        assertThat(internal.reauthMs()).isEqualTo(60_000);
        assertThat(internal.toString()).contains("alice").doesNotContain("admin-secret");
    }

    @Test
    void plainTakesItsUsersFromSaslJaasConfigToo() {
        ServerConfig config = config(Map.of("sasl.enabled.mechanisms", "PLAIN", "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_bob=\"bob-secret\";"));
        assertThat(ListenerSecurity.resolve(config, "SASL_PLAINTEXT").plainUsers()).containsOnly(
                Map.entry("bob", "bob-secret"));
    }

    @Test
    void unsupportedOrMissingMechanismsAndUsersAreRefused() {
        assertThatThrownBy(() -> ListenerSecurity.resolve(config(Map.of()), "SASL_PLAINTEXT"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GSSAPI is not supported");
        assertThatThrownBy(() -> ListenerSecurity.resolve(config(Map.of("sasl.enabled.mechanisms", "OAUTHBEARER")),
                "SASL_PLAINTEXT")).isInstanceOf(ConfigException.class).hasMessageContaining("OAUTHBEARER");
        assertThatThrownBy(() -> ListenerSecurity.resolve(config(Map.of("sasl.enabled.mechanisms", "PLAIN")),
                "SASL_PLAINTEXT")).isInstanceOf(ConfigException.class).hasMessageContaining("plain.sasl.jaas.config");
    }

    @Test
    void interBrokerClientsTakeTheirCredentialsFromTheListenersJaasConfig() {
        ServerConfig config = config(Map.of("listener.name.internal.sasl.enabled.mechanisms", "SCRAM-SHA-512",
                "sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512",
                "listener.name.internal.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"broker\" "
                        + "password=\"broker-secret\";"));
        BrokerClientSecurity client = BrokerClientSecurity.resolve(config, ListenerSecurity.resolve(config,
                "INTERNAL"));
        assertThat(client.saslMechanism()).contains("SCRAM-SHA-512");
        assertThat(client.username()).isEqualTo("broker");
        assertThat(client.password()).isEqualTo("broker-secret");
        assertThat(client.toString()).doesNotContain("broker-secret");
        assertThatThrownBy(() -> BrokerClientSecurity.resolve(config(Map.of(
                "listener.name.internal.sasl.enabled.mechanisms", "SCRAM-SHA-512")), ListenerSecurity.resolve(
                config(Map.of("listener.name.internal.sasl.enabled.mechanisms", "SCRAM-SHA-512")), "INTERNAL")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sasl.mechanism.inter.broker.protocol");
    }

    private static ServerConfig config(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(Map.of("listeners", LISTENERS,
                "listener.security.protocol.map", MAP));
        props.putAll(extra);
        return ServerConfig.from(props);
    }
}
