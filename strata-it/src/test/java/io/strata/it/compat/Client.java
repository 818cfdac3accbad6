package io.strata.it.compat;

/**
 * The rows of the compatibility matrix in {@code docs/compatibility.md}: each client is named there by its
 * {@link #id()} in backticks in the first column.
 */
public enum Client {
    KCAT("kcat"),
    CONFLUENT_KAFKA_PYTHON("confluent-kafka-python"),
    KAFKAJS("kafkajs"),
    JAVA_2("kafka-clients-2"),
    JAVA_3("kafka-clients-3"),
    KAFKA_TOOLS("kafka-tools");

    private final String id;

    Client(String id) {
        this.id = id;
    }

    String id() {
        return id;
    }
}
