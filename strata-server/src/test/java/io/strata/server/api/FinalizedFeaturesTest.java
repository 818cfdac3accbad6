package io.strata.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.server.config.ServerConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.junit.jupiter.api.Test;

class FinalizedFeaturesTest {

    private static ServerConfig config(Map<String, String> values) {
        return ServerConfig.from(values);
    }

    @Test
    void transactionVersionTwoIsFinalizedByDefaultAndAdvertisedFromVersionThree() {
        FinalizedFeatures features = FinalizedFeatures.from(config(Map.of()));
        assertThat(features.transactionVersion()).isEqualTo((short) 2);
        ApiVersionsResponseData response = new ApiVersionsResponseData();
        features.addTo(response, (short) 3, 42);
        assertThat(response.finalizedFeaturesEpoch()).isEqualTo(42);
        var supported = response.supportedFeatures().find(FinalizedFeatures.TRANSACTION_VERSION);
        assertThat(supported.minVersion()).isZero();
        assertThat(supported.maxVersion()).isEqualTo((short) 2);
        var finalized = response.finalizedFeatures().find(FinalizedFeatures.TRANSACTION_VERSION);
        assertThat(finalized.maxVersionLevel()).isEqualTo((short) 2);

        ApiVersionsResponseData old = new ApiVersionsResponseData();
        features.addTo(old, (short) 2, 42);
        assertThat(old.supportedFeatures()).isEmpty();
    }

    @Test
    void theLevelIsPinnedByConfigurationAndLevelZeroIsNotFinalized() {
        assertThat(FinalizedFeatures.from(config(Map.of("strata.transaction.version", "1"))).transactionVersion())
                .isEqualTo((short) 1);
        ApiVersionsResponseData response = new ApiVersionsResponseData();
        FinalizedFeatures.from(config(Map.of("strata.transaction.version", "0"))).addTo(response, (short) 4, 1);
        assertThat(response.finalizedFeatures()).isEmpty();
        assertThat(response.supportedFeatures()).hasSize(1);
        assertThatThrownBy(() -> FinalizedFeatures.from(config(Map.of("strata.transaction.version", "3"))))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> FinalizedFeatures.from(config(Map.of("strata.transaction.version", "two"))))
                .isInstanceOf(ConfigException.class);
    }
}
