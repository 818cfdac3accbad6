package io.strata.it.compat;

/** The columns of the compatibility matrix in {@code docs/compatibility.md}, each by its exact header text. */
public enum Feature {
    METADATA("Metadata"),
    PRODUCE("Produce (acks=all)"),
    IDEMPOTENT_PRODUCE("Idempotent produce"),
    CONSUME_ASSIGN("Consume (assigned partitions)"),
    ADMIN_TOPICS("Admin: create/describe/delete topics"),
    CONSUMER_GROUP("Consumer group with commits"),
    CONSUMER_PROTOCOL_GROUP("Consumer group, KIP-848 protocol"),
    TRANSACTIONS("Transactions");

    private final String header;

    Feature(String header) {
        this.header = header;
    }

    String header() {
        return header;
    }
}
