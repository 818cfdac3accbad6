package io.strata.server.coordinator.txn;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.MetadataImage;
import io.strata.server.replication.BrokerChannel;
import io.strata.server.replication.ReplicationConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Connections from this node to other brokers' inter-broker listener (this node's own included: one code path),
 * kept idle per broker for the next request: how the transaction coordinator reaches partition leaders and how
 * partition leaders reach the transaction coordinator.
 *
 * <p>Thread-safe: a connection is used by one sender at a time (taken from and returned to its broker's pool).
 */
final class BrokerChannelPool implements AutoCloseable {

    private final String clientId;
    /** The inter-broker listener: its name, protocol, credentials and socket time-out. */
    private final ReplicationConfig interBroker;
    private final Map<Integer, ConcurrentLinkedDeque<BrokerChannel>> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    BrokerChannelPool(String clientId, ReplicationConfig interBroker) {
        this.clientId = clientId;
        this.interBroker = interBroker;
    }

    /**
     * Sends one request to a broker and returns its response; a failed connection is closed, a good one kept.
     *
     * @throws IOException the broker is unknown, fenced or unreachable, or the exchange failed
     */
    @SuppressWarnings("unchecked")
    <T extends AbstractResponse> T send(MetadataImage image, int brokerId, AbstractRequest request)
            throws IOException {
        BrokerChannel channel = take(image, brokerId);
        try {
            T response = (T) channel.send(request);
            give(brokerId, channel);
            return response;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private BrokerChannel take(MetadataImage image, int brokerId) throws IOException {
        BrokerChannel channel = idle.computeIfAbsent(brokerId, b -> new ConcurrentLinkedDeque<>()).pollFirst();
        if (channel != null) {
            return channel;
        }
        BrokerRegistration broker = image.brokers().get(brokerId);
        if (broker == null || broker.fenced()) {
            throw new IOException("Broker " + brokerId + " is not available");
        }
        BrokerRegistration.Endpoint endpoint = broker.endpoints().stream()
                .filter(e -> e.listenerName().equals(interBroker.listenerName())).findFirst()
                .orElseThrow(() -> new IOException("Broker " + brokerId + " has no " + interBroker.listenerName()
                        + " listener"));
        return BrokerChannel.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), clientId,
                interBroker.socketTimeoutMs(), interBroker.clientSecurity());
    }

    private void give(int brokerId, BrokerChannel channel) {
        idle.computeIfAbsent(brokerId, b -> new ConcurrentLinkedDeque<>()).addFirst(channel);
        if (closed) {
            close();
        }
    }

    @Override
    public void close() {
        closed = true;
        idle.values().forEach(q -> {
            BrokerChannel c;
            while ((c = q.pollFirst()) != null) {
                c.close();
            }
        });
    }
}
