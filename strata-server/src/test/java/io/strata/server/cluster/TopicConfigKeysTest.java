package io.strata.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.schemaid.SchemaValidationConfig;
import io.strata.storage.LogConfig;
import org.junit.jupiter.api.Test;

class TopicConfigKeysTest {

    @Test
    void areKafkasThenConfluentServersSchemaValidationKeys() {
        assertThat(TopicConfigKeys.ALL).startsWith(LogConfig.KEYS.toArray(LogConfig.Key[]::new))
                .endsWith(SchemaValidationConfig.KEYS.toArray(LogConfig.Key[]::new))
                .hasSize(LogConfig.KEYS.size() + SchemaValidationConfig.KEYS.size());
        assertThat(TopicConfigKeys.isTopicConfig("retention.ms")).isTrue();
        assertThat(TopicConfigKeys.isTopicConfig("confluent.value.schema.validation")).isTrue();
        assertThat(TopicConfigKeys.isTopicConfig("redpanda.value.schema.id.validation")).isFalse();
    }
}
