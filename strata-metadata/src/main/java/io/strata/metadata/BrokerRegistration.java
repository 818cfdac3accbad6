package io.strata.metadata;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/** A broker as registered in the metadata log. */
public record BrokerRegistration(int brokerId, Uuid incarnationId, List<Endpoint> endpoints, Optional<String> rack,
                                 boolean fenced) {

    /** An advertised listener. */
    public record Endpoint(String listenerName, String host, int port, String securityProtocol) {
        @Override
        public String toString() {
            return listenerName + "://" + host + ":" + port;
        }
    }
}
