package io.strata.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.server.security.SecurityProtocolName;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ListenerConfigTest {

    /** The listener keys of a node configured with {@code given}, over the defaults, as ServerConfig builds them. */
    private static ListenerConfig config(Map<String, String> given) {
        return new ListenerConfig(BrokerKeyTable.withDefaults(given),
                given.containsKey("listener.security.protocol.map"));
    }

    @Test
    void theDefaultsAreOnePlaintextClientListenerAndOneControllerListener() {
        ListenerConfig defaults = config(Map.of());
        defaults.validate();
        assertThat(defaults.listeners()).containsExactly(new Endpoint("PLAINTEXT", "", 9092),
                new Endpoint("CONTROLLER", "", 9093));
        assertThat(defaults.brokerListeners()).containsExactly(new Endpoint("PLAINTEXT", "", 9092));
        assertThat(defaults.controllerListenerNames()).containsExactly("CONTROLLER");
        assertThat(defaults.advertisedListeners()).isEmpty();
        assertThat(defaults.interBrokerListenerName()).isEqualTo("PLAINTEXT");
    }

    @Test
    void controllerListenersAreNotClientListeners() {
        ListenerConfig config = config(Map.of("listeners",
                "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:19093,EXTERNAL://:19094",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:SASL_SSL",
                "controller.listener.names", "controller"));
        assertThat(config.controllerListenerNames()).containsExactly("CONTROLLER");
        assertThat(config.brokerListeners()).extracting(Endpoint::listenerName)
                .containsExactly("PLAINTEXT", "EXTERNAL");
    }

    @Test
    void listenersMapToSecurityProtocolsAsInKafka() {
        ListenerConfig defaults = config(Map.of("listeners",
                "PLAINTEXT://:9092,SSL://:9094,SASL_SSL://:9095,SASL_PLAINTEXT://:9096,CONTROLLER://:9093"));
        assertThat(defaults.securityProtocolMap()).containsEntry("SSL", SecurityProtocolName.SSL)
                .containsEntry("SASL_SSL", SecurityProtocolName.SASL_SSL)
                .containsEntry("SASL_PLAINTEXT", SecurityProtocolName.SASL_PLAINTEXT)
                .containsEntry("CONTROLLER", SecurityProtocolName.PLAINTEXT);
        assertThat(defaults.interBrokerListenerName()).isEqualTo("PLAINTEXT");
        ListenerConfig named = config(Map.of(
                "listeners", "INTERNAL://:9092,EXTERNAL://:9094,CONTROLLER://:9093",
                "listener.security.protocol.map", "internal:sasl_plaintext, EXTERNAL:SSL,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name", "internal"));
        assertThat(named.securityProtocol("INTERNAL")).isEqualTo(SecurityProtocolName.SASL_PLAINTEXT);
        assertThat(named.interBrokerListenerName()).isEqualTo("INTERNAL");
        assertThat(config(Map.of("listeners", "PLAINTEXT://:9092,SSL://:9094,CONTROLLER://:9093",
                "security.inter.broker.protocol", "SSL")).interBrokerListenerName()).isEqualTo("SSL");
    }

    @Test
    void aGivenProtocolMapMustNameTheControllerListenerToo() {
        ListenerConfig config = config(Map.of("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT"));
        assertThat(config.securityProtocolMap()).containsOnlyKeys("PLAINTEXT");
        assertThatThrownBy(config::validate).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no security protocol defined for listener CONTROLLER");
    }

    @Test
    void badListenerSecurityIsRefused() {
        assertThatThrownBy(() -> config(Map.of("listeners", "EXTERNAL://:9094,CONTROLLER://:9093")).validate())
                .isInstanceOf(ConfigException.class).hasMessageContaining("no security protocol defined for listener "
                        + "EXTERNAL");
        assertThatThrownBy(() -> config(Map.of("listeners", "PLAINTEXT://:9092,CONTROLLER://:9093",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:SSL")).validate())
                .isInstanceOf(ConfigException.class).hasMessageContaining("controller listener CONTROLLER must be");
        assertThatThrownBy(() -> config(Map.of("listener.security.protocol.map", "PLAINTEXT:TLS")).validate())
                .isInstanceOf(ConfigException.class).hasMessageContaining("PLAINTEXT:TLS");
        assertThatThrownBy(() -> config(Map.of("inter.broker.listener.name", "PLAINTEXT",
                "security.inter.broker.protocol", "PLAINTEXT")).validate()).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> config(Map.of("inter.broker.listener.name", "SSL")).validate())
                .isInstanceOf(ConfigException.class).hasMessageContaining("not one of this node's client listeners");
        assertThatThrownBy(() -> config(Map.of("advertised.listeners", "PLAINTEXT://host")).validate())
                .isInstanceOf(ConfigException.class).hasMessageContaining("advertised.listeners");
    }

    @Test
    void httpListenersDefaultToPort9190AndMayBeTurnedOff() {
        assertThat(config(Map.of()).httpListeners()).containsExactly(new Endpoint("HTTP", "", 9190));
        assertThat(config(Map.of("http.listeners", "HTTP://127.0.0.1:0")).httpListeners())
                .containsExactly(new Endpoint("HTTP", "127.0.0.1", 0));
        assertThat(config(Map.of("http.listeners", "")).httpListeners()).isEmpty();
        assertThat(config(Map.of("http.listeners", "HTTPS://:8443")).httpListeners())
                .containsExactly(new Endpoint("HTTPS", "", 8443));
        assertThatThrownBy(() -> config(Map.of("http.listeners", "FTP://:8443")).validate())
                .isInstanceOf(ConfigException.class).hasMessageContaining("HTTPS://host:port");
        assertThatThrownBy(() -> config(Map.of("http.listeners", "HTTP://:x")).validate())
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.listeners");
    }

    @Test
    void theRegistrysOwnListenersAreOffByDefaultAndNeedTheHttpServer() {
        assertThat(config(Map.of()).schemaRegistryListeners()).isEmpty();
        assertThat(config(Map.of("schema.registry.listeners", "HTTP://:8081")).schemaRegistryListeners())
                .containsExactly(new Endpoint("HTTP", "", 8081));
        assertThat(config(Map.of("schema.registry.listeners", "HTTPS://:8081")).schemaRegistryListeners())
                .containsExactly(new Endpoint("HTTPS", "", 8081));
        assertThatThrownBy(() -> config(Map.of("schema.registry.listeners", "FTP://:8081")).validate())
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.listeners");
        assertThatThrownBy(() -> config(Map.of("schema.registry.listeners", "HTTP://:8081",
                "http.listeners", "")).validate()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.listeners");
    }
}
