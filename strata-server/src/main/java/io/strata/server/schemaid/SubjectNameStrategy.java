package io.strata.server.schemaid;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Confluent's subject name strategies, by the class names Confluent Server's topic configs take: the subject a
 * record's key or value schema must be registered under. Immutable.
 */
public enum SubjectNameStrategy {

    /** {@code <topic>-key} or {@code <topic>-value}: the default. */
    TOPIC("io.confluent.kafka.serializers.subject.TopicNameStrategy"),
    /** The schema's record name (its fully qualified name), whatever the topic. */
    RECORD("io.confluent.kafka.serializers.subject.RecordNameStrategy"),
    /** {@code <topic>-<record name>}. */
    TOPIC_RECORD("io.confluent.kafka.serializers.subject.TopicRecordNameStrategy");

    private final String className;

    SubjectNameStrategy(String className) {
        this.className = className;
    }

    /** The Confluent class name that selects this strategy. */
    public String className() {
        return className;
    }

    /** Every accepted class name, in declaration order. */
    public static List<String> classNames() {
        return Arrays.stream(values()).map(SubjectNameStrategy::className).toList();
    }

    public static Optional<SubjectNameStrategy> byClassName(String name) {
        return Arrays.stream(values()).filter(s -> s.className.equals(name)).findFirst();
    }

    /** Whether the subject depends on the schema's record name (so the schema must be looked up to name it). */
    public boolean needsRecordName() {
        return this != TOPIC;
    }

    /**
     * The subject for a key or value of {@code topic} whose schema has {@code recordName} (ignored by {@link #TOPIC}).
     */
    public String subject(String topic, boolean key, String recordName) {
        return switch (this) {
            case TOPIC -> topic + (key ? "-key" : "-value");
            case RECORD -> recordName;
            case TOPIC_RECORD -> topic + "-" + recordName;
        };
    }
}
