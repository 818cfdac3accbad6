package io.strata.server.security;

import io.strata.server.config.ServerConfig;
import java.io.IOException;
import java.net.Socket;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import org.apache.kafka.common.config.ConfigException;

/**
 * How this node connects to other brokers' inter-broker listener: that listener's protocol, with TLS from the same
 * listener's {@code ssl.*} settings (its key store is the client certificate when the listener requires one) and
 * SASL with {@code sasl.mechanism.inter.broker.protocol} and the {@code username}/{@code password} options of the
 * listener's JAAS config ({@code listener.name.<l>.<mechanism>.sasl.jaas.config}), as Kafka's brokers do.
 *
 * <p>Immutable and thread-safe.
 */
public record BrokerClientSecurity(SecurityProtocolName protocol, Optional<TlsContext> tls,
                                   Optional<String> saslMechanism, String username, String password) {

    public static BrokerClientSecurity plaintext() {
        return new BrokerClientSecurity(SecurityProtocolName.PLAINTEXT, Optional.empty(), Optional.empty(), "", "");
    }

    /** The client side of {@code listener} (the inter-broker listener), whose server side is {@code server}. */
    public static BrokerClientSecurity resolve(ServerConfig config, ListenerSecurity server) {
        if (!server.protocol().sasl()) {
            return new BrokerClientSecurity(server.protocol(), server.tls(), Optional.empty(), "", "");
        }
        String prefix = "listener.name." + server.listenerName().toLowerCase(Locale.ROOT) + ".";
        String mechanism = Optional.ofNullable(config.originals().get(prefix + "sasl.mechanism.inter.broker.protocol"))
                .or(() -> config.get("sasl.mechanism.inter.broker.protocol")).orElse("GSSAPI").trim();
        if (!server.saslMechanisms().contains(mechanism)) {
            throw new ConfigException("sasl.mechanism.inter.broker.protocol", mechanism,
                    "must be one of the inter-broker listener's enabled mechanisms " + server.saslMechanisms());
        }
        String jaas = Optional.ofNullable(config.originals().get(prefix + mechanism.toLowerCase(Locale.ROOT)
                + ".sasl.jaas.config")).or(() -> Optional.ofNullable(config.originals().get(prefix
                + "sasl.jaas.config"))).or(() -> config.get("sasl.jaas.config")).orElseThrow(() ->
                new ConfigException(prefix + mechanism.toLowerCase(Locale.ROOT) + ".sasl.jaas.config", null,
                        "the inter-broker listener needs username and password options for " + mechanism));
        Map<String, String> options = ListenerSecurity.jaasOptions(jaas);
        if (!options.containsKey("username") || !options.containsKey("password")) {
            throw new ConfigException(prefix + mechanism.toLowerCase(Locale.ROOT) + ".sasl.jaas.config", null,
                    "the inter-broker JAAS config needs username and password options");
        }
        return new BrokerClientSecurity(server.protocol(), server.tls(), Optional.of(mechanism),
                options.get("username"), options.get("password"));
    }

    /** Wraps a connected socket in TLS (when the protocol has it) and completes the handshake. */
    public Socket secure(Socket socket, String host, int port) throws IOException {
        if (tls.isEmpty()) {
            return socket;
        }
        SSLEngine template = tls.get().clientEngine(host, port);
        SSLSocket ssl = (SSLSocket) tls.get().socketFactory().createSocket(socket, host, port, true);
        ssl.setSSLParameters(template.getSSLParameters());
        ssl.setUseClientMode(true);
        ssl.startHandshake();
        return ssl;
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "BrokerClientSecurity[" + protocol + ", " + saslMechanism.orElse("no SASL") + ", user=" + username
                + "]";
    }
}
