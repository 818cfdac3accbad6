package io.strata.server.api;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.MetadataImage;
import java.util.Optional;

/** Helpers to present the metadata image to clients of one listener. */
final class ClusterView {

    private ClusterView() {
    }

    /** The broker's advertised endpoint on {@code listenerName}, if it has one. */
    static Optional<BrokerRegistration.Endpoint> endpoint(BrokerRegistration broker, String listenerName) {
        return broker.endpoints().stream().filter(e -> e.listenerName().equals(listenerName)).findFirst();
    }

    /** The id clients are told is the controller: the lowest unfenced broker id (any broker forwards). */
    static int controllerId(MetadataImage image, int localNodeId) {
        return image.brokers().values().stream().filter(b -> !b.fenced()).mapToInt(BrokerRegistration::brokerId)
                .min().orElse(localNodeId);
    }
}
