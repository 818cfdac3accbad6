package io.strata.server.api.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.api.ControllerQuorum;
import io.strata.server.api.NodeFeatures;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.QuorumWaiter;
import io.strata.server.config.ServerConfig;
import io.strata.server.network.ConnectionInfo;
import java.net.InetSocketAddress;
import java.util.Map;
import org.apache.kafka.clients.admin.FeatureUpdate.UpgradeType;
import org.apache.kafka.common.message.UpdateFeaturesRequestData;
import org.apache.kafka.common.message.UpdateFeaturesResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.UpdateFeaturesRequest;
import org.junit.jupiter.api.Test;

class UpdateFeaturesHandlerTest {

    private final ControllerQuorum quorum = new ControllerQuorum();
    private final UpdateFeaturesHandler handler = new UpdateFeaturesHandler(quorum,
            QuorumWaiter.withoutPublishing(5_000), NodeFeatures.supported(1));

    private UpdateFeaturesHandlerTest() {
        quorum.finalizeFeatures(NodeFeatures.initialLevels(ServerConfig.from(Map.of()))).join();
    }

    private UpdateFeaturesResponseData update(int version, boolean validateOnly, String feature, int level,
                                              UpgradeType type) {
        UpdateFeaturesRequestData.FeatureUpdateKeyCollection updates =
                new UpdateFeaturesRequestData.FeatureUpdateKeyCollection();
        updates.add(new UpdateFeaturesRequestData.FeatureUpdateKey().setFeature(feature)
                .setMaxVersionLevel((short) level).setUpgradeType(type.code())
                .setAllowDowngrade(type != UpgradeType.UPGRADE));
        UpdateFeaturesRequest request = new UpdateFeaturesRequest(new UpdateFeaturesRequestData()
                .setFeatureUpdates(updates).setValidateOnly(validateOnly).setTimeoutMs(5_000), (short) version);
        RequestContext context = new RequestContext(new RequestHeader(ApiKeys.UPDATE_FEATURES, (short) version, "c", 1),
                new ConnectionInfo("c1", "PLAINTEXT", new InetSocketAddress("127.0.0.1", 5555)));
        return (UpdateFeaturesResponseData) handler.handle(context, request);
    }

    private short transactionVersion() {
        return quorum.image().featureLevel(NodeFeatures.TRANSACTION_VERSION).orElseThrow();
    }

    @Test
    void aDowngradeAppliesWithItsTypeAndVersionTwoAnswersWithoutResults() {
        UpdateFeaturesResponseData response = update(2, false, "transaction.version", 1,
                UpgradeType.SAFE_DOWNGRADE);
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.NONE);
        assertThat(response.results()).isEmpty();
        assertThat(transactionVersion()).isEqualTo((short) 1);
    }

    @Test
    void versionsZeroAndOneListEachFeatureAndVersionZeroReadsAllowDowngrade() {
        UpdateFeaturesResponseData response = update(0, false, "transaction.version", 1,
                UpgradeType.SAFE_DOWNGRADE);
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.NONE);
        assertThat(response.results()).singleElement().satisfies(r -> {
            assertThat(r.feature()).isEqualTo("transaction.version");
            assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.NONE);
        });
        assertThat(transactionVersion()).isEqualTo((short) 1);
        assertThat(update(1, false, "transaction.version", 2, UpgradeType.UPGRADE).results()).hasSize(1);
        assertThat(transactionVersion()).isEqualTo((short) 2);
    }

    @Test
    void aRefusedUpdateFailsTheRequestWithKafkasTopLevelErrorAndWritesNothing() {
        UpdateFeaturesResponseData response = update(1, false, "transaction.version", 1, UpgradeType.UPGRADE);
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.INVALID_UPDATE_VERSION);
        assertThat(response.errorMessage()).isEqualTo("The update failed for all features since the following "
                + "feature had an error: Invalid update version 1 for feature transaction.version. Can't downgrade "
                + "the version of this feature without setting the upgrade type to either safe or unsafe "
                + "downgrade.");
        assertThat(response.results()).isEmpty();
        assertThat(transactionVersion()).isEqualTo((short) 2);
    }

    @Test
    void aDryRunValidatesWithoutApplying() {
        UpdateFeaturesResponseData response = update(2, true, "transaction.version", 0,
                UpgradeType.UNSAFE_DOWNGRADE);
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.NONE);
        assertThat(transactionVersion()).isEqualTo((short) 2);
        assertThat(Errors.forCode(update(2, true, "transaction.version", 3, UpgradeType.UPGRADE).errorCode()))
                .isEqualTo(Errors.INVALID_UPDATE_VERSION);
    }
}
