package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.storage.LogConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every topic config of Kafka 4.3 round-trips through CreateTopics, DescribeConfigs and IncrementalAlterConfigs with
 * the real Admin client, with Kafka's type, default and broker synonym; invalid values fail with INVALID_CONFIG and
 * the message Kafka's own validation gives ({@code org.apache.kafka.storage.internals.log.LogConfig}, on the test
 * classpath through Kafka's core jar, is the reference).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopicConfigsIT {

    /** Two valid values per key, both different from the default where the key has more than one value. */
    private static final Map<String, List<String>> VALUES = Map.ofEntries(
            Map.entry("segment.bytes", List.of("2097152", "4194304")),
            Map.entry("segment.ms", List.of("3600000", "7200000")),
            Map.entry("segment.jitter.ms", List.of("100", "200")),
            Map.entry("segment.index.bytes", List.of("1048576", "2097152")),
            Map.entry("flush.messages", List.of("1000", "2000")),
            Map.entry("flush.ms", List.of("1000", "2000")),
            Map.entry("retention.bytes", List.of("1048576", "2097152")),
            Map.entry("retention.ms", List.of("3600000", "7200000")),
            Map.entry("max.message.bytes", List.of("2000000", "3000000")),
            Map.entry("index.interval.bytes", List.of("8192", "16384")),
            Map.entry("delete.retention.ms", List.of("1000", "2000")),
            Map.entry("min.compaction.lag.ms", List.of("1000", "2000")),
            Map.entry("max.compaction.lag.ms", List.of("86400000", "172800000")),
            Map.entry("file.delete.delay.ms", List.of("1000", "2000")),
            Map.entry("min.cleanable.dirty.ratio", List.of("0.25", "0.75")),
            Map.entry("cleanup.policy", List.of("compact", "compact,delete")),
            Map.entry("unclean.leader.election.enable", List.of("true", "false")),
            Map.entry("min.insync.replicas", List.of("2", "3")),
            Map.entry("compression.type", List.of("zstd", "gzip")),
            Map.entry("compression.gzip.level", List.of("5", "9")),
            Map.entry("compression.lz4.level", List.of("1", "17")),
            Map.entry("compression.zstd.level", List.of("-5", "22")),
            Map.entry("preallocate", List.of("true", "false")),
            Map.entry("message.timestamp.type", List.of("LogAppendTime", "CreateTime")),
            Map.entry("message.timestamp.before.max.ms", List.of("3600000", "7200000")),
            Map.entry("message.timestamp.after.max.ms", List.of("1000", "2000")),
            Map.entry("leader.replication.throttled.replicas", List.of("0:1", "*")),
            Map.entry("follower.replication.throttled.replicas", List.of("0:1,1:1", "*")),
            Map.entry("remote.storage.enable", List.of("false", "false")),
            Map.entry("local.retention.ms", List.of("1000", "-1")),
            Map.entry("local.retention.bytes", List.of("1000", "-1")),
            Map.entry("remote.log.copy.disable", List.of("true", "false")),
            Map.entry("remote.log.delete.on.disable", List.of("true", "false")));

    private TestNode node;
    private Admin admin;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        node = TestNode.start(dir);
        admin = Clients.admin(node.bootstrap());
    }

    @AfterAll
    void stop() {
        admin.close();
        node.close();
    }

    /** Kafka 4.3's topic configs: its broker's definitions, which are TopicConfig's keys less the removed ones. */
    static Stream<Arguments> kafkaTopicConfigs() {
        return kafkaKeys().values().stream().map(k -> Arguments.of(k.name));
    }

    private static Map<String, ConfigDef.ConfigKey> kafkaKeys() {
        return org.apache.kafka.storage.internals.log.LogConfig.configKeys().entrySet().stream()
                .filter(e -> !e.getValue().internalConfig)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Test
    void theKeysAreKafkasWithItsTypesDefaultsAndSynonyms() throws Exception {
        Map<String, ConfigDef.ConfigKey> kafka = kafkaKeys();
        assertThat(LogConfig.KEYS).extracting(LogConfig.Key::name).containsExactlyInAnyOrderElementsOf(kafka.keySet());
        assertThat(VALUES).containsOnlyKeys(kafka.keySet());
        var kafkaDef = org.apache.kafka.storage.internals.log.LogConfig.configDefCopy();
        for (LogConfig.Key key : LogConfig.KEYS) {
            ConfigDef.ConfigKey k = kafka.get(key.name());
            assertThat(key.type()).as(key.name()).isEqualTo(k.type);
            assertThat(key.defaultValue()).as(key.name()).isEqualTo(ConfigDef.convertToString(k.defaultValue, k.type));
            assertThat(key.brokerSynonym()).as(key.name()).isEqualTo(kafkaDef.serverConfigName(key.name()));
        }
        // TopicConfig's constants are all there, except the one Kafka 4's broker refuses as unknown.
        Set<String> constants = new TreeSet<>();
        for (var field : TopicConfig.class.getFields()) {
            if (field.getName().endsWith("_CONFIG")) {
                constants.add((String) field.get(null));
            }
        }
        constants.removeAll(kafka.keySet());
        assertThat(constants).containsExactly("message.downconversion.enable");
    }

    @ParameterizedTest
    @MethodSource("kafkaTopicConfigs")
    void roundTripsThroughCreateDescribeAndIncrementalAlter(String key) throws Exception {
        String topic = "rt-" + key;
        List<String> values = VALUES.get(key);
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of(key, values.get(0)))))
                .all().get();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);

        ConfigEntry created = describe(resource).get(key);
        assertThat(created.value()).isEqualTo(values.get(0));
        assertThat(created.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(created.type().name()).isEqualTo(kafkaKeys().get(key).type.name());
        assertThat(created.documentation()).isNotBlank();
        assertThat(created.isReadOnly()).isFalse();

        alter(resource, new AlterConfigOp(new ConfigEntry(key, values.get(1)), AlterConfigOp.OpType.SET));
        ConfigEntry altered = describe(resource).get(key);
        assertThat(altered.value()).isEqualTo(values.get(1));
        assertThat(altered.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(altered.synonyms()).first().satisfies(s -> {
            assertThat(s.name()).isEqualTo(key);
            assertThat(s.value()).isEqualTo(values.get(1));
        });

        alter(resource, new AlterConfigOp(new ConfigEntry(key, ""), AlterConfigOp.OpType.DELETE));
        ConfigEntry deleted = describe(resource).get(key);
        assertThat(deleted.source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        ConfigDef.ConfigKey kafkaKey = kafkaKeys().get(key);
        String kafkaDefault = ConfigDef.convertToString(kafkaKey.defaultValue, kafkaKey.type);
        if (!key.equals("retention.ms") && !key.equals("segment.ms")) {
            // The other two default through log.retention.hours and log.roll.hours (168 hours, the same value).
            assertThat(deleted.value()).isEqualTo(kafkaDefault);
        }
        String defaultSynonym = kafkaDefinitions().serverConfigName(key).orElse(key);
        assertThat(deleted.synonyms()).last().extracting(ConfigEntry.ConfigSynonym::name)
                .isEqualTo(key.equals("retention.ms") ? "log.retention.hours"
                        : key.equals("segment.ms") ? "log.roll.hours" : defaultSynonym);
    }

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                Arguments.of("segment.bytes", "1048575"),
                Arguments.of("segment.bytes", "big"),
                Arguments.of("segment.ms", "0"),
                Arguments.of("retention.ms", "-2"),
                Arguments.of("max.message.bytes", "-1"),
                Arguments.of("min.cleanable.dirty.ratio", "1.5"),
                Arguments.of("cleanup.policy", "sometimes"),
                Arguments.of("unclean.leader.election.enable", "perhaps"),
                Arguments.of("min.insync.replicas", "0"),
                Arguments.of("compression.type", "brotli"),
                Arguments.of("compression.gzip.level", "10"),
                Arguments.of("compression.lz4.level", "0"),
                Arguments.of("compression.zstd.level", "23"),
                Arguments.of("preallocate", "yes"),
                Arguments.of("message.timestamp.type", "WallClock"),
                Arguments.of("local.retention.bytes", "-3"),
                Arguments.of("segment.jitter.ms", "-1"));
    }

    @ParameterizedTest
    @MethodSource("invalidValues")
    void invalidValuesGetInvalidConfigWithKafkasMessage(String key, String value) throws Exception {
        String kafkaMessage = kafkaValidationError(key, value);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad-" + key, 1, (short) 1)
                .configs(Map.of(key, value)))).all().get())
                .hasCauseInstanceOf(InvalidConfigurationException.class).cause().hasMessage(kafkaMessage);

        String topic = "ok-" + key + "-" + Integer.toHexString(value.hashCode());
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        assertThatThrownBy(() -> alter(resource, new AlterConfigOp(new ConfigEntry(key, value),
                AlterConfigOp.OpType.SET))).hasCauseInstanceOf(InvalidConfigurationException.class).cause()
                .hasMessage(kafkaMessage);
        assertThat(describe(resource).get(key).source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void messageDownconversionAndTieredStorageAreRefusedAsKafka4Does() {
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("downconv", 1, (short) 1)
                .configs(Map.of("message.downconversion.enable", "true")))).all().get())
                .hasCauseInstanceOf(InvalidConfigurationException.class).cause()
                .hasMessageContaining("message.downconversion.enable");
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("tiered", 1, (short) 1)
                .configs(Map.of("remote.storage.enable", "true")))).all().get())
                .hasCauseInstanceOf(InvalidConfigurationException.class).cause()
                .hasMessageContaining("Tiered Storage functionality is disabled in the broker");
    }

    @Test
    void theInternalSegmentSizeIsAcceptedButNeverDescribed() throws Exception {
        admin.createTopics(List.of(new NewTopic("small-segments", 1, (short) 1)
                .configs(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES, "16384")))).all().get();
        Config described = describe(new ConfigResource(ConfigResource.Type.TOPIC, "small-segments"));
        assertThat(described.get(LogConfig.INTERNAL_SEGMENT_BYTES)).isNull();
        assertThat(described.get("segment.bytes").value()).isEqualTo("1073741824");
    }

    private static org.apache.kafka.storage.internals.log.LogConfig.LogConfigDef kafkaDefinitions() {
        return org.apache.kafka.storage.internals.log.LogConfig.configDefCopy();
    }

    /** What Kafka's own topic config validation says about {@code key=value}. */
    private static String kafkaValidationError(String key, String value) {
        Map<String, String> props = new HashMap<>(Map.of(key, value));
        try {
            org.apache.kafka.storage.internals.log.LogConfig.validate(Map.of(), props, Map.of(), false);
        } catch (ConfigException | InvalidConfigurationException e) {
            return e.getMessage();
        }
        throw new AssertionError("Kafka accepts " + key + "=" + value);
    }

    private Config describe(ConfigResource resource) throws Exception {
        return admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true)
                .includeDocumentation(true)).all().get().get(resource);
    }

    private void alter(ConfigResource resource, AlterConfigOp op) throws Exception {
        admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all().get();
    }
}
