package io.strata.server.coordinator.txn;

import io.strata.server.config.ServerConfig;
import org.apache.kafka.common.config.ConfigException;

/**
 * The transaction coordinator's settings, with Apache Kafka's broker config names and defaults. Immutable.
 *
 * @param logPartitions          {@code transaction.state.log.num.partitions}
 * @param logReplication         {@code transaction.state.log.replication.factor} (capped to the live brokers)
 * @param logMinIsr              {@code transaction.state.log.min.isr} (capped to the replication)
 * @param logSegmentBytes        {@code transaction.state.log.segment.bytes}
 * @param maxTimeoutMs           {@code transaction.max.timeout.ms}: the largest {@code transaction.timeout.ms}
 * @param idExpirationMs         {@code transactional.id.expiration.ms}: idle ids are forgotten after this long
 * @param abortCheckIntervalMs   {@code transaction.abort.timed.out.transaction.cleanup.interval.ms}
 * @param expiryCheckIntervalMs  {@code transaction.remove.expired.transaction.cleanup.interval.ms}
 * @param writeTimeoutMs         how long a state write may wait for replication ({@code request.timeout.ms}'s
 *                               Kafka default, as Kafka's coordinator uses)
 * @param completionWaitMs       how long a request that meets the id's write in flight or its transaction
 *                               completing waits for it before being told CONCURRENT_TRANSACTIONS (not a Kafka
 *                               setting: Kafka answers at once; a second, far below the clients' request timeout)
 */
public record TxnConfig(int logPartitions, short logReplication, int logMinIsr, int logSegmentBytes,
                        int maxTimeoutMs, long idExpirationMs, long abortCheckIntervalMs, long expiryCheckIntervalMs,
                        int writeTimeoutMs, long completionWaitMs) {

    public static final String TOPIC = "__transaction_state";

    public static TxnConfig from(ServerConfig config) {
        return new TxnConfig(
                (int) value(config, "transaction.state.log.num.partitions", 50),
                (short) value(config, "transaction.state.log.replication.factor", 3),
                (int) value(config, "transaction.state.log.min.isr", 2),
                (int) value(config, "transaction.state.log.segment.bytes", 104_857_600),
                (int) value(config, "transaction.max.timeout.ms", 900_000),
                value(config, "transactional.id.expiration.ms", 604_800_000L),
                value(config, "transaction.abort.timed.out.transaction.cleanup.interval.ms", 10_000),
                value(config, "transaction.remove.expired.transaction.cleanup.interval.ms", 3_600_000),
                30_000, 1_000);
    }

    /**
     * {@code transaction.partition.verification.enable} (Kafka's default: true): whether partition leaders verify
     * the older protocol's first transactional write to a partition with the coordinator (KIP-890 part 1).
     */
    public static boolean verificationEnabled(ServerConfig config) {
        String v = config.get("transaction.partition.verification.enable").orElse("true").trim();
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new ConfigException("transaction.partition.verification.enable", v, "expected true or false");
        }
        return Boolean.parseBoolean(v);
    }

    private static long value(ServerConfig config, String key, long defaultValue) {
        String v = config.get(key).orElse(null);
        if (v == null) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(v.trim());
            if (parsed <= 0) {
                throw new ConfigException(key, v, "must be positive");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "expected a number");
        }
    }
}
