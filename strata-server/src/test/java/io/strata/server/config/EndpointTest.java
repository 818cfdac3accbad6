package io.strata.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class EndpointTest {

    @Test
    void parsesKafkaListenerSyntax() {
        assertThat(Endpoint.parseList("listeners", "plaintext://127.0.0.1:9092, CONTROLLER://:9093,X://[::1]:1"))
                .containsExactly(new Endpoint("PLAINTEXT", "127.0.0.1", 9092), new Endpoint("CONTROLLER", "", 9093),
                        new Endpoint("X", "::1", 1));
        assertThat(Endpoint.parseList("listeners", "")).isEmpty();
        assertThat(new Endpoint("X", "::1", 1).toString()).isEqualTo("X://[::1]:1");
    }

    @Test
    void rejectsMalformedEntries() {
        assertThatThrownBy(() -> Endpoint.parseList("listeners", "127.0.0.1:9092"))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> Endpoint.parseList("listeners", "A://h:70000")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> Endpoint.parseList("listeners", "A://h:1,A://h:2"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("twice");
    }
}
