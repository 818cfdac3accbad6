package io.strata.server.api;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.SupportedFeatures;
import io.strata.metadata.controller.FeatureControl;
import io.strata.server.config.ServerConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.message.ApiVersionsResponseData;

/**
 * The features (KIP-584) this node's software supports, the levels a new cluster finalizes them at, and how
 * ApiVersions v3+ advertises them with the cluster's finalized levels. They are the features a new Kafka 4.0
 * cluster finalizes, each supported only at the levels Strata implements:
 * <ul>
 *   <li>{@code transaction.version} 0-2, initially {@code strata.transaction.version} (default 2): Kafka's
 *       producers use transactions version 2 (KIP-890) when the finalized level is 2 and the older protocol
 *       otherwise, deciding anew for each transaction from the level their last ApiVersions exchange gave;</li>
 *   <li>{@code metadata.version} 7-25 (3.3-IV3 to 4.0-IV3), initially 25: Strata's metadata records do not depend
 *       on it, it is there for Kafka's tools; later levels come with features Strata does not have (eligible
 *       leader replicas, share and streams groups);</li>
 *   <li>{@code group.version} 1: the consumer group protocol of KIP-848, which Strata always serves;</li>
 *   <li>{@code kraft.version} 1: the quorum keeps its membership in its own log (Ratis configuration entries), as
 *       KRaft does from level 1.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class NodeFeatures {

    public static final String TRANSACTION_VERSION = "transaction.version";
    public static final String TRANSACTION_VERSION_CONFIG = "strata.transaction.version";
    private static final String GROUP_VERSION = "group.version";
    private static final String KRAFT_VERSION = "kraft.version";
    private static final short METADATA_VERSION_3_3_IV3 = 7;
    private static final short METADATA_VERSION_4_0_IV3 = 25;
    private static final Map<String, SupportedFeatures.Range> RANGES = Map.of(
            TRANSACTION_VERSION, new SupportedFeatures.Range((short) 0, (short) 2),
            FeatureControl.METADATA_VERSION, new SupportedFeatures.Range(METADATA_VERSION_3_3_IV3,
                    METADATA_VERSION_4_0_IV3),
            GROUP_VERSION, new SupportedFeatures.Range((short) 1, (short) 1),
            KRAFT_VERSION, new SupportedFeatures.Range((short) 1, (short) 1));

    private NodeFeatures() {
    }

    /** What node {@code nodeId} supports. */
    public static SupportedFeatures supported(int nodeId) {
        return new SupportedFeatures(nodeId, RANGES);
    }

    /**
     * The levels a new cluster finalizes (as Kafka's {@code kafka-storage format} does), and a cluster whose log
     * has none yet for a feature: {@code transaction.version} from {@code strata.transaction.version}, the others
     * at the highest level supported. Once finalized, a level changes only through UpdateFeatures.
     *
     * @throws ConfigException if {@code strata.transaction.version} is not 0, 1 or 2
     */
    public static Map<String, Short> initialLevels(ServerConfig config) {
        Map<String, Short> levels = new HashMap<>();
        RANGES.forEach((name, range) -> levels.put(name, range.max()));
        config.get(TRANSACTION_VERSION_CONFIG).ifPresent(v -> levels.put(TRANSACTION_VERSION,
                transactionVersion(v.trim())));
        return Map.copyOf(levels);
    }

    private static short transactionVersion(String value) {
        try {
            short level = Short.parseShort(value);
            if (RANGES.get(TRANSACTION_VERSION).contains(level)) {
                return level;
            }
        } catch (NumberFormatException e) {
            // not a level at all: refused below
        }
        throw new ConfigException(TRANSACTION_VERSION_CONFIG, value, "expected 0, 1 or 2");
    }

    /**
     * Adds the supported features and the cluster's finalized ones to an ApiVersions response of {@code version}
     * (3+ only: older versions have no such fields). As Kafka, a feature finalized at level 0 is left out, and the
     * epoch is the metadata log position of {@code image}: clients keep the features of the highest epoch seen.
     */
    static void addTo(ApiVersionsResponseData response, short version, MetadataImage image) {
        if (version < 3) {
            return;
        }
        ApiVersionsResponseData.SupportedFeatureKeyCollection supported =
                new ApiVersionsResponseData.SupportedFeatureKeyCollection();
        new TreeMap<>(RANGES).forEach((name, range) -> supported.add(new ApiVersionsResponseData.SupportedFeatureKey()
                .setName(name).setMinVersion(range.min()).setMaxVersion(range.max())));
        ApiVersionsResponseData.FinalizedFeatureKeyCollection finalized =
                new ApiVersionsResponseData.FinalizedFeatureKeyCollection();
        new TreeMap<>(image.features()).forEach((name, level) -> {
            if (level > 0) {
                finalized.add(new ApiVersionsResponseData.FinalizedFeatureKey().setName(name)
                        .setMinVersionLevel(level).setMaxVersionLevel(level));
            }
        });
        response.setSupportedFeatures(supported).setFinalizedFeatures(finalized)
                .setFinalizedFeaturesEpoch(Math.max(0, image.version()));
    }
}
