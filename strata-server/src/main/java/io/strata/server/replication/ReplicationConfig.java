package io.strata.server.replication;

import io.strata.server.security.BrokerClientSecurity;

/**
 * How followers fetch, with Kafka's config names and defaults.
 *
 * @param fetchWaitMaxMs      {@code replica.fetch.wait.max.ms}: how long the leader may hold a follower's fetch
 * @param fetchMinBytes       {@code replica.fetch.min.bytes}
 * @param fetchMaxBytes       {@code replica.fetch.max.bytes}: per partition
 * @param fetchResponseMaxBytes {@code replica.fetch.response.max.bytes}: per response
 * @param fetchBackoffMs      {@code replica.fetch.backoff.ms}: the pause after a failed fetch
 * @param socketTimeoutMs     {@code replica.socket.timeout.ms}
 * @param fetchersPerBroker   {@code num.replica.fetchers}: fetcher threads per source broker
 * @param listenerName        {@code inter.broker.listener.name}: the leader's listener followers connect to
 * @param clientSecurity      how followers connect to that listener (its protocol, TLS and SASL)
 */
public record ReplicationConfig(int fetchWaitMaxMs, int fetchMinBytes, int fetchMaxBytes, int fetchResponseMaxBytes,
                                int fetchBackoffMs, int socketTimeoutMs, int fetchersPerBroker, String listenerName,
                                BrokerClientSecurity clientSecurity) {

    /** A configuration whose followers connect in plaintext. */
    public ReplicationConfig(int fetchWaitMaxMs, int fetchMinBytes, int fetchMaxBytes, int fetchResponseMaxBytes,
                             int fetchBackoffMs, int socketTimeoutMs, int fetchersPerBroker, String listenerName) {
        this(fetchWaitMaxMs, fetchMinBytes, fetchMaxBytes, fetchResponseMaxBytes, fetchBackoffMs, socketTimeoutMs,
                fetchersPerBroker, listenerName, BrokerClientSecurity.plaintext());
    }

    /** This configuration with followers connecting as {@code security} says. */
    public ReplicationConfig withClientSecurity(BrokerClientSecurity security) {
        return new ReplicationConfig(fetchWaitMaxMs, fetchMinBytes, fetchMaxBytes, fetchResponseMaxBytes,
                fetchBackoffMs, socketTimeoutMs, fetchersPerBroker, listenerName, security);
    }
}
