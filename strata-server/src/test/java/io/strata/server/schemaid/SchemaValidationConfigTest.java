package io.strata.server.schemaid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

class SchemaValidationConfigTest {

    private static final String RECORD = "io.confluent.kafka.serializers.subject.RecordNameStrategy";

    @Test
    void defaultsAreOffWithTheTopicNameStrategy() {
        assertThat(SchemaValidationConfig.of(Map.of("retention.ms", "1"))).isSameAs(SchemaValidationConfig.OFF);
        assertThat(SchemaValidationConfig.OFF.enabled()).isFalse();
        assertThat(SchemaValidationConfig.KEYS).extracting(k -> k.name() + "=" + k.defaultValue()).containsExactly(
                "confluent.key.schema.validation=false", "confluent.value.schema.validation=false",
                "confluent.key.subject.name.strategy=io.confluent.kafka.serializers.subject.TopicNameStrategy",
                "confluent.value.subject.name.strategy=io.confluent.kafka.serializers.subject.TopicNameStrategy");
        assertThat(SchemaValidationConfig.KEYS).allMatch(k -> k.brokerSynonym().isEmpty());
    }

    @Test
    void parsesTheConfluentKeys() {
        SchemaValidationConfig config = SchemaValidationConfig.of(Map.of(
                "confluent.value.schema.validation", "TRUE", "confluent.value.subject.name.strategy", RECORD,
                "confluent.key.subject.name.strategy", RECORD));
        assertThat(config).isEqualTo(new SchemaValidationConfig(false, true, SubjectNameStrategy.RECORD,
                SubjectNameStrategy.RECORD));
        assertThat(config.enabled()).isTrue();
        assertThat(SchemaValidationConfig.isKey("confluent.key.schema.validation")).isTrue();
        assertThat(SchemaValidationConfig.isKey("redpanda.value.schema.id.validation")).isFalse();
    }

    @Test
    void refusesValuesConfluentWouldNot() {
        assertThatCode(() -> SchemaValidationConfig.validate(Map.of("confluent.key.schema.validation", "false",
                "confluent.value.subject.name.strategy",
                "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> SchemaValidationConfig.validate(Map.of("confluent.value.schema.validation", "yes")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("confluent.value.schema.validation");
        assertThatThrownBy(() -> SchemaValidationConfig.validate(Map.of("confluent.value.subject.name.strategy",
                "RecordNameStrategy"))).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("RecordNameStrategy").hasMessageContaining("String must be one of");
    }
}
