package io.strata.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.server.config.ServerConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RestConfigTest {

    @Test
    void defaultsFollowConfluentsWhereItHasThem() {
        RestConfig config = RestConfig.from(ServerConfig.from(Map.of()));
        assertThat(config.instanceTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.defaultRecordsTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.maxRecordsBytes()).isEqualTo(64 * 1024 * 1024);
        assertThat(config.maxConsumerInstances()).isEqualTo(100);
        assertThat(config.maxRequestBytes()).isEqualTo(10 * 1024 * 1024);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> RestConfig.from(ServerConfig.from(Map.of("rest.max.request.bytes", "0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("rest.max.request.bytes");
        assertThatThrownBy(() -> RestConfig.from(ServerConfig.from(Map.of("rest.consumer.max.instances", "x"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("rest.consumer.max.instances");
    }
}
