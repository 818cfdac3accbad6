package io.strata.metadata;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/**
 * A broker as registered in the metadata log.
 *
 * @param fenced               whether the broker is fenced: it leads nothing, joins no ISR and is offered no new
 *                             replicas (the controller fences a broker it has not heard from within
 *                             {@code broker.session.timeout.ms}, and on controlled shutdown)
 * @param inControlledShutdown whether the broker was fenced by a controlled shutdown: it is then unfenced only by
 *                             registering again (a new incarnation), not merely by being heard from
 */
public record BrokerRegistration(int brokerId, Uuid incarnationId, List<Endpoint> endpoints, Optional<String> rack,
                                 boolean fenced, boolean inControlledShutdown) {

    /** A registration that is not in controlled shutdown. */
    public BrokerRegistration(int brokerId, Uuid incarnationId, List<Endpoint> endpoints, Optional<String> rack,
                              boolean fenced) {
        this(brokerId, incarnationId, endpoints, rack, fenced, false);
    }

    /** This registration with the given fencing state. */
    public BrokerRegistration withFencing(boolean fenced, boolean inControlledShutdown) {
        return new BrokerRegistration(brokerId, incarnationId, endpoints, rack, fenced, inControlledShutdown);
    }

    /** An advertised listener. */
    public record Endpoint(String listenerName, String host, int port, String securityProtocol) {
        @Override
        public String toString() {
            return listenerName + "://" + host + ":" + port;
        }
    }
}
