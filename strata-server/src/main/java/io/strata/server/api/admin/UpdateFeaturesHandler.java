package io.strata.server.api.admin;

import io.strata.metadata.FeatureChange;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.SupportedFeatures;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.QuorumWaiter;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.UpdateFeaturesRequestData;
import org.apache.kafka.common.message.UpdateFeaturesResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.UpdateFeaturesRequest;

/**
 * UpdateFeatures (KIP-584; {@code kafka-features.sh upgrade|downgrade|disable}): any node decides through the
 * metadata quorum, as Kafka's brokers forward it to the active controller, within the request's {@code timeoutMs}
 * and {@code metadata.request.timeout.ms}. Kafka 4.x's answer: the first refused change fails them all, with its
 * INVALID_UPDATE_VERSION as the top-level error; on success v0-1 list each feature as done, v2 has no list. The
 * dispatcher has checked ALTER on the cluster. Thread-safe.
 */
final class UpdateFeaturesHandler implements ApiHandler<UpdateFeaturesRequest> {

    private final MetadataQuorum quorum;
    private final QuorumWaiter waiter;
    private final SupportedFeatures supported;

    /** @param supported what this node's software supports, which every change must be within */
    UpdateFeaturesHandler(MetadataQuorum quorum, QuorumWaiter waiter, SupportedFeatures supported) {
        this.quorum = quorum;
        this.waiter = waiter;
        this.supported = supported;
    }

    @Override
    public ApiMessage handle(RequestContext context, UpdateFeaturesRequest request) {
        UpdateFeaturesRequestData data = request.data();
        // The request's own reading of each update: v0's AllowDowngrade is a safe downgrade.
        List<FeatureChange> changes = request.featureUpdates().stream()
                .map(u -> new FeatureChange(u.feature(), u.versionLevel(), u.upgradeType())).toList();
        Optional<ApiException> refused = waiter.forRequest(data.timeoutMs())
                .await(quorum.updateFeatures(changes, supported, data.validateOnly()));
        UpdateFeaturesResponseData response = new UpdateFeaturesResponseData();
        if (refused.isPresent()) {
            return response.setErrorCode(Errors.forException(refused.get()).code()).setErrorMessage(
                    "The update failed for all features since the following feature had an error: "
                            + refused.get().getMessage());
        }
        response.setErrorCode(Errors.NONE.code());
        if (context.apiVersion() <= 1) {
            data.featureUpdates().forEach(u -> response.results().add(
                    new UpdateFeaturesResponseData.UpdatableFeatureResult().setFeature(u.feature())
                            .setErrorCode(Errors.NONE.code())));
        }
        return response;
    }
}
