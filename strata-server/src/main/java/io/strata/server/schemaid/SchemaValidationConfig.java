package io.strata.server.schemaid;

import io.strata.storage.LogConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;

/**
 * A topic's broker-side schema id validation, from Confluent Server's topic configs: whether keys and values must
 * carry a schema id the schema registry knows under the subject their strategy names. Both are off by default.
 * Immutable.
 *
 * @param key           {@code confluent.key.schema.validation}
 * @param value         {@code confluent.value.schema.validation}
 * @param keyStrategy   {@code confluent.key.subject.name.strategy}
 * @param valueStrategy {@code confluent.value.subject.name.strategy}
 */
public record SchemaValidationConfig(boolean key, boolean value, SubjectNameStrategy keyStrategy,
                                     SubjectNameStrategy valueStrategy) {

    public static final String KEY_VALIDATION = "confluent.key.schema.validation";
    public static final String VALUE_VALIDATION = "confluent.value.schema.validation";
    public static final String KEY_STRATEGY = "confluent.key.subject.name.strategy";
    public static final String VALUE_STRATEGY = "confluent.value.subject.name.strategy";

    /** No validation: every topic without the configs. */
    public static final SchemaValidationConfig OFF = new SchemaValidationConfig(false, false, SubjectNameStrategy.TOPIC,
            SubjectNameStrategy.TOPIC);

    /** The topic-level keys, with Confluent Server's types and defaults; none has a broker-level synonym. */
    public static final List<LogConfig.Key> KEYS = List.of(
            key(KEY_VALIDATION, "false", Type.BOOLEAN,
                    "Whether the broker refuses records whose key carries no schema id registered for the topic."),
            key(VALUE_VALIDATION, "false", Type.BOOLEAN,
                    "Whether the broker refuses records whose value carries no schema id registered for the topic."),
            key(KEY_STRATEGY, SubjectNameStrategy.TOPIC.className(), Type.STRING,
                    "The subject name strategy whose subject a key's schema id must be registered under."),
            key(VALUE_STRATEGY, SubjectNameStrategy.TOPIC.className(), Type.STRING,
                    "The subject name strategy whose subject a value's schema id must be registered under."));

    private static final ConfigDef DEF = definitions();

    private static LogConfig.Key key(String name, String defaultValue, Type type, String doc) {
        return new LogConfig.Key(name, Optional.empty(), defaultValue, type, doc, true);
    }

    public static boolean isKey(String name) {
        return DEF.configKeys().containsKey(name);
    }

    /**
     * Checks the values of these keys among a topic's configs (other keys are ignored), with Kafka's messages.
     *
     * @throws InvalidConfigurationException a value that is not a boolean or not one of Confluent's strategy classes
     */
    public static void validate(Map<String, String> topicConfigs) {
        for (LogConfig.Key key : KEYS) {
            String value = topicConfigs.get(key.name());
            if (value == null) {
                continue;
            }
            try {
                ConfigDef.ConfigKey def = DEF.configKeys().get(key.name());
                Object parsed = ConfigDef.parseType(key.name(), value, def.type);
                if (def.validator != null) {
                    def.validator.ensureValid(key.name(), parsed);
                }
            } catch (ConfigException e) {
                throw new InvalidConfigurationException(e.getMessage());
            }
        }
    }

    /**
     * The validation of a topic with these (already validated) configs. Cheap when the topic has none of the keys,
     * as most have: two map lookups.
     */
    public static SchemaValidationConfig of(Map<String, String> topicConfigs) {
        String key = topicConfigs.get(KEY_VALIDATION);
        String value = topicConfigs.get(VALUE_VALIDATION);
        if (key == null && value == null) {
            return OFF;
        }
        return new SchemaValidationConfig(isTrue(key), isTrue(value), strategy(topicConfigs.get(KEY_STRATEGY)),
                strategy(topicConfigs.get(VALUE_STRATEGY)));
    }

    /** Whether keys or values are validated. */
    public boolean enabled() {
        return key || value;
    }

    private static boolean isTrue(String value) {
        return value != null && value.trim().toLowerCase(Locale.ROOT).equals("true");
    }

    private static SubjectNameStrategy strategy(String value) {
        return value == null ? SubjectNameStrategy.TOPIC
                : SubjectNameStrategy.byClassName(value.trim()).orElse(SubjectNameStrategy.TOPIC);
    }

    private static ConfigDef definitions() {
        ConfigDef def = new ConfigDef();
        String[] strategies = SubjectNameStrategy.classNames().toArray(String[]::new);
        for (LogConfig.Key key : KEYS) {
            def.define(key.name(), key.type(), key.defaultValue(),
                    key.type() == Type.STRING ? ValidString.in(strategies) : null, Importance.MEDIUM, key.doc());
        }
        return def;
    }
}
