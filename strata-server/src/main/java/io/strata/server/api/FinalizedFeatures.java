package io.strata.server.api;

import io.strata.server.config.ServerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.message.ApiVersionsResponseData;

/**
 * The features this node advertises in ApiVersions v3+ (KIP-584): {@code transaction.version}, supported 0-2 and
 * finalized at {@code strata.transaction.version} (default 2, as a new Kafka 4.x cluster). Kafka's producers use
 * transactions version 2 (KIP-890: partitions added on produce, the epoch bumped at every commit and abort) when the
 * finalized level is 2 or more, and the older protocol otherwise, so one node serves both.
 *
 * <p>Immutable and thread-safe.
 *
 * @param transactionVersion the finalized {@code transaction.version}
 */
public record FinalizedFeatures(short transactionVersion) {

    public static final String TRANSACTION_VERSION = "transaction.version";
    public static final String TRANSACTION_VERSION_CONFIG = "strata.transaction.version";
    private static final short MAX_TRANSACTION_VERSION = 2;
    private static final short DEFAULT_TRANSACTION_VERSION = 2;

    public FinalizedFeatures {
        if (transactionVersion < 0 || transactionVersion > MAX_TRANSACTION_VERSION) {
            throw new ConfigException(TRANSACTION_VERSION_CONFIG, transactionVersion, "expected 0, 1 or 2");
        }
    }

    public static FinalizedFeatures from(ServerConfig config) {
        String v = config.get(TRANSACTION_VERSION_CONFIG).orElse(String.valueOf(DEFAULT_TRANSACTION_VERSION)).trim();
        try {
            return new FinalizedFeatures(Short.parseShort(v));
        } catch (NumberFormatException e) {
            throw new ConfigException(TRANSACTION_VERSION_CONFIG, v, "expected 0, 1 or 2");
        }
    }

    /**
     * Adds the supported and finalized features to an ApiVersions response of {@code version} (3+ only: older
     * versions have no such fields).
     *
     * @param epoch the finalized features' epoch: clients keep the features of the highest epoch they have seen
     */
    void addTo(ApiVersionsResponseData response, short version, long epoch) {
        if (version < 3) {
            return;
        }
        ApiVersionsResponseData.SupportedFeatureKeyCollection supported =
                new ApiVersionsResponseData.SupportedFeatureKeyCollection();
        supported.add(new ApiVersionsResponseData.SupportedFeatureKey().setName(TRANSACTION_VERSION)
                .setMinVersion((short) 0).setMaxVersion(MAX_TRANSACTION_VERSION));
        ApiVersionsResponseData.FinalizedFeatureKeyCollection finalized =
                new ApiVersionsResponseData.FinalizedFeatureKeyCollection();
        if (transactionVersion > 0) {
            // As Kafka: a feature finalized at level 0 is left out of the finalized list.
            finalized.add(new ApiVersionsResponseData.FinalizedFeatureKey().setName(TRANSACTION_VERSION)
                    .setMinVersionLevel(transactionVersion).setMaxVersionLevel(transactionVersion));
        }
        response.setSupportedFeatures(supported).setFinalizedFeatures(finalized).setFinalizedFeaturesEpoch(epoch);
    }
}
