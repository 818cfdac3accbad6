package io.strata.server.security;

import java.security.KeyStore;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SslEngineFactory;

/**
 * The TLS of Kafka clients inside this node ({@link SelfClientConfig}): engines from the inter-broker listener's own
 * {@link TlsContext}, so they present the node's key store, trust what the node trusts, and follow a key store
 * changed at run time. Kafka's client instantiates it by class name and hands it the context through its configs.
 *
 * <p>Thread-safe after {@link #configure}.
 */
public final class BrokerSslEngineFactory implements SslEngineFactory {

    private volatile TlsContext tls;

    @Override
    public void configure(Map<String, ?> configs) {
        if (!(configs.get(SelfClientConfig.TLS_CONTEXT) instanceof TlsContext context)) {
            throw new ConfigException(SelfClientConfig.TLS_CONTEXT, null, "only for this node's own clients");
        }
        tls = context;
    }

    @Override
    public SSLEngine createClientSslEngine(String peerHost, int peerPort, String endpointIdentification) {
        return tls.clientEngine(peerHost, peerPort);
    }

    @Override
    public SSLEngine createServerSslEngine(String peerHost, int peerPort) {
        throw new UnsupportedOperationException("client side only");
    }

    @Override
    public boolean shouldBeRebuilt(Map<String, Object> nextConfigs) {
        return false;
    }

    @Override
    public Set<String> reconfigurableConfigs() {
        return Set.of();
    }

    @Override
    public KeyStore keystore() {
        return null;
    }

    @Override
    public KeyStore truststore() {
        return null;
    }

    @Override
    public void close() {
    }
}
