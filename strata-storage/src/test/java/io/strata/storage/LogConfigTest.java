package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogConfigTest {

    @Test
    void defaultsAreKafkas() {
        LogConfig d = LogConfig.DEFAULT;
        assertThat(d.segmentBytes()).isEqualTo(1 << 30);
        assertThat(d.segmentMs()).isEqualTo(604_800_000L);
        assertThat(d.retentionBytes()).isEqualTo(-1);
        assertThat(d.maxMessageBytes()).isEqualTo(1_048_588);
        assertThat(d.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(d.cleanupPolicy()).containsExactly("delete");
        assertThat(d.compression()).isEmpty();
        assertThat(LogConfig.KEYS).filteredOn(k -> k.name().equals("file.delete.delay.ms")).singleElement()
                .satisfies(k -> assertThat(k.brokerSynonym()).contains("log.segment.delete.delay.ms"));
    }

    @Test
    void everyTopicConfigConstantOfKafkaIsAKeyExceptTheRemovedDownConversion() throws Exception {
        for (var field : TopicConfig.class.getFields()) {
            if (field.getName().endsWith("_CONFIG")) {
                String name = (String) field.get(null);
                // Kafka 4 brokers refuse message.downconversion.enable as an unknown topic config.
                assertThat(LogConfig.isTopicConfig(name)).as(name)
                        .isEqualTo(!name.equals("message.downconversion.enable"));
            }
        }
        assertThat(LogConfig.isTopicConfig("leader.replication.throttled.replicas")).isTrue();
        assertThat(LogConfig.isTopicConfig("follower.replication.throttled.replicas")).isTrue();
        assertThat(LogConfig.isTopicConfig("no.such.config")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "segment.bytes|1000|Invalid value 1000 for configuration segment.bytes: Value must be at least 1048576",
            "segment.bytes|abc|Invalid value abc for configuration segment.bytes: Not a number of type INT",
            "compression.type|GZIP|Invalid value GZIP for configuration compression.type: String must be one of: "
                    + "uncompressed, zstd, lz4, snappy, gzip, producer",
            "compression.gzip.level|0|Invalid value 0 for configuration compression.gzip.level: Value must be "
                    + "between 1 and 9 or equal to -1",
            "compression.lz4.level|18|Invalid value 18 for configuration compression.lz4.level: Value must be no "
                    + "more than 17",
            "compression.zstd.level|23|Invalid value 23 for configuration compression.zstd.level: Value must be no "
                    + "more than 22",
            "cleanup.policy|foo|Invalid value foo for configuration cleanup.policy: String must be one of: compact, "
                    + "delete",
            "min.cleanable.dirty.ratio|2|Invalid value 2.0 for configuration min.cleanable.dirty.ratio: Value must "
                    + "be no more than 1",
            "unclean.leader.election.enable|maybe|Invalid value maybe for configuration "
                    + "unclean.leader.election.enable: Expected value to be either true or false",
            "local.retention.ms|-3|Invalid value -3 for configuration local.retention.ms: Value must be at least -2",
            "message.timestamp.type|createtime|Invalid value createtime for configuration message.timestamp.type: "
                    + "String must be one of: CreateTime, LogAppendTime",
            "remote.storage.enable|true|Tiered Storage functionality is disabled in the broker. Topic cannot be "
                    + "configured with remote log storage.",
    })
    void invalidValuesFailWithKafkasMessages(String key, String value, String message) {
        assertThatThrownBy(() -> LogConfig.fromTopicConfigs(Map.of(key, value)))
                .isInstanceOf(InvalidConfigurationException.class).hasMessage(message);
    }

    @Test
    void throttledReplicasTakeAStarOrPartitionBrokerPairs() {
        for (String ok : new String[] {"", "*", "0:1", "0:1, 1:2"}) {
            LogConfig.fromTopicConfigs(Map.of("leader.replication.throttled.replicas", ok,
                    "follower.replication.throttled.replicas", ok));
        }
        assertThatThrownBy(() -> LogConfig.fromTopicConfigs(Map.of("leader.replication.throttled.replicas", "x")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("Invalid value [x] for configuration leader.replication.throttled.replicas");
    }

    @Test
    void compressionTypeAndLevelsMakeTheTargetCodec() {
        assertThat(LogConfig.fromTopicConfigs(Map.of("compression.type", "producer")).compression()).isEmpty();
        assertThat(LogConfig.fromTopicConfigs(Map.of("compression.type", "uncompressed")).compression())
                .contains(Compression.NONE);
        assertThat(LogConfig.fromTopicConfigs(Map.of("compression.type", "zstd", "compression.zstd.level", "7"))
                .compression()).contains(Compression.zstd().level(7).build());
        assertThat(LogConfig.fromTopicConfigs(Map.of("compression.type", "gzip")).compression())
                .contains(Compression.gzip().build());
        assertThat(LogConfig.fromTopicConfigs(Map.of("compression.type", "lz4", "compression.lz4.level", "1"))
                .compression()).contains(Compression.lz4().level(1).build());
        assertThat(LogConfig.fromTopicConfigs(Map.of("compression.type", "snappy")).compression()
                .map(Compression::type)).isEqualTo(Optional.of(CompressionType.SNAPPY));
    }

    @Test
    void internalSegmentBytesOverridesTheUserMinimumForTests() {
        LogConfig small = LogConfig.fromTopicConfigs(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES, "300",
                "segment.bytes", "1048576"));
        assertThat(small.segmentBytes()).isEqualTo(300);
        assertThat(LogConfig.KEYS).noneMatch(k -> k.name().equals(LogConfig.INTERNAL_SEGMENT_BYTES));
        assertThatThrownBy(() -> LogConfig.fromTopicConfigs(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES, "10")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("at least 61");
    }

    @Test
    void acceptedKeysWithoutEffectParseAndUnknownKeysAreIgnored() {
        LogConfig config = LogConfig.fromTopicConfigs(Map.of("preallocate", "true",
                "file.delete.delay.ms", "0", "local.retention.ms", "-2", "remote.log.copy.disable", "true",
                "remote.storage.enable", "false", "no.such.key", "x"));
        assertThat(config).isEqualTo(LogConfig.DEFAULT);
        assertThatThrownBy(() -> LogConfig.fromTopicConfigs(Map.of("min.compaction.lag.ms", "10",
                "max.compaction.lag.ms", "5"))).isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)");
    }
}
