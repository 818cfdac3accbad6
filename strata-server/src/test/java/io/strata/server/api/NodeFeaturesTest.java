package io.strata.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.controller.FeatureControl;
import io.strata.metadata.image.ImageBuilder;
import io.strata.server.config.ServerConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.junit.jupiter.api.Test;

class NodeFeaturesTest {

    private static Map<String, Short> initial(Map<String, String> values) {
        return NodeFeatures.initialLevels(ServerConfig.from(values));
    }

    private static MetadataImage finalized(Map<String, Short> levels) throws Exception {
        return ImageBuilder.applyBatch(ImageBuilder.emptyImage("c"),
                FeatureControl.finalizeMissing(ImageBuilder.emptyImage("c"), levels).records(), 42);
    }

    @Test
    void aNewClusterStartsWithKafka40sLevelsAndTheConfiguredTransactionVersion() {
        assertThat(initial(Map.of())).isEqualTo(Map.of("transaction.version", (short) 2,
                "metadata.version", (short) 25, "group.version", (short) 1, "kraft.version", (short) 1));
        assertThat(initial(Map.of("strata.transaction.version", " 1 "))).containsEntry("transaction.version",
                (short) 1);
        assertThat(initial(Map.of("strata.transaction.version", "0"))).containsEntry("transaction.version",
                (short) 0);
        assertThatThrownBy(() -> initial(Map.of("strata.transaction.version", "3")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("expected 0, 1 or 2");
        assertThatThrownBy(() -> initial(Map.of("strata.transaction.version", "two")))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void apiVersionsFromVersionThreeAdvertisesTheSupportedRangesAndTheClustersFinalizedLevels() throws Exception {
        MetadataImage image = finalized(Map.of("transaction.version", (short) 0, "metadata.version", (short) 25));
        ApiVersionsResponseData response = new ApiVersionsResponseData();
        NodeFeatures.addTo(response, (short) 3, image);
        assertThat(response.finalizedFeaturesEpoch()).isEqualTo(42);
        assertThat(response.supportedFeatures()).extracting(ApiVersionsResponseData.SupportedFeatureKey::name)
                .containsExactly("group.version", "kraft.version", "metadata.version", "transaction.version");
        var transactions = response.supportedFeatures().find("transaction.version");
        assertThat(transactions.minVersion()).isZero();
        assertThat(transactions.maxVersion()).isEqualTo((short) 2);
        var metadata = response.supportedFeatures().find("metadata.version");
        assertThat(metadata.minVersion()).isEqualTo((short) 7);
        assertThat(metadata.maxVersion()).isEqualTo((short) 25);
        // As Kafka: a feature finalized at level 0 is left out of the finalized list.
        assertThat(response.finalizedFeatures()).hasSize(1);
        var finalizedMetadata = response.finalizedFeatures().find("metadata.version");
        assertThat(finalizedMetadata.minVersionLevel()).isEqualTo((short) 25);
        assertThat(finalizedMetadata.maxVersionLevel()).isEqualTo((short) 25);

        ApiVersionsResponseData old = new ApiVersionsResponseData();
        NodeFeatures.addTo(old, (short) 2, image);
        assertThat(old.supportedFeatures()).isEmpty();
        assertThat(old.finalizedFeatures()).isEmpty();
    }
}
