package io.strata.server.security;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * The Kafka client configs with which this node's HTTP built-ins (console, schema registry, HTTP proxy) reach the
 * cluster: this node's own inter-broker listener, with the identity the node presents to other brokers there (its
 * TLS key store as client certificate, its inter-broker SASL user, see {@link BrokerClientSecurity}). They therefore
 * work whatever that listener's protocol, and with an authorizer they act as the inter-broker principal, which a
 * secured Kafka deployment lists in {@code super.users}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SelfClientConfig {

    /** The client config key that carries the listener's {@link TlsContext} to {@link BrokerSslEngineFactory}. */
    static final String TLS_CONTEXT = "strata.internal.tls.context";

    private final String bootstrap;
    private final Map<String, Object> security;

    private SelfClientConfig(String bootstrap, Map<String, Object> security) {
        this.bootstrap = bootstrap;
        this.security = Map.copyOf(security);
    }

    /** Plain connections to {@code bootstrap} ({@code host:port}). */
    public static SelfClientConfig plaintext(String bootstrap) {
        return new SelfClientConfig(bootstrap, Map.of());
    }

    /** Connections to {@code bootstrap}, this node's inter-broker listener, secured as {@code security} says. */
    public static SelfClientConfig of(String bootstrap, BrokerClientSecurity security) {
        Map<String, Object> configs = new HashMap<>();
        configs.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, security.protocol().name());
        security.tls().ifPresent(tls -> {
            configs.put(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG, BrokerSslEngineFactory.class);
            configs.put(TLS_CONTEXT, tls);
        });
        security.saslMechanism().ifPresent(mechanism -> {
            configs.put(SaslConfigs.SASL_MECHANISM, mechanism);
            String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            configs.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=" + quoted(security.username())
                    + " password=" + quoted(security.password()) + ";");
        });
        return new SelfClientConfig(bootstrap, configs);
    }

    /** {@code host:port} of the listener. */
    public String bootstrap() {
        return bootstrap;
    }

    /** The configs of one client: the connection's, then {@code client}'s (which must not name security keys). */
    public Properties properties(Map<String, ?> client) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.putAll(security);
        return props;
    }

    /** A JAAS option value: quoted, with {@code \} and {@code "} escaped as the JAAS parser reads them. */
    private static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "SelfClientConfig[" + bootstrap + ", " + security.getOrDefault(
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT") + "]";
    }
}
