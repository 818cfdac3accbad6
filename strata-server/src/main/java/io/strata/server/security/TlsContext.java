package io.strata.server.security;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.apache.kafka.common.config.ConfigException;

/**
 * The TLS settings of one listener, from Kafka's {@code ssl.*} keys: the JDK's {@link SSLContext} with the key store
 * and trust store, {@code ssl.client.auth}, {@code ssl.enabled.protocols}, {@code ssl.cipher.suites},
 * {@code ssl.endpoint.identification.algorithm} (for this node's own client side) and
 * {@code ssl.principal.mapping.rules}.
 *
 * <p>Thread-safe. The key and trust stores can be swapped at run time ({@link #reload}, Kafka's dynamic per-broker
 * {@code ssl.keystore.*}/{@code ssl.truststore.*}); every connection gets an engine of its own from the stores of the
 * moment it starts, so connections already open keep theirs. Everything else is fixed at creation.
 */
public final class TlsContext {

    /** Kafka's {@code ssl.client.auth}. */
    public enum ClientAuth { NONE, REQUESTED, REQUIRED }

    private volatile SSLContext context;
    private final ClientAuth clientAuth;
    private final Optional<List<String>> protocols;
    private final Optional<List<String>> cipherSuites;
    private final String endpointIdentification;
    private final PrincipalMapper principalMapper;

    private TlsContext(SSLContext context, ClientAuth clientAuth, Optional<List<String>> protocols,
                       Optional<List<String>> cipherSuites, String endpointIdentification,
                       PrincipalMapper principalMapper) {
        this.context = context;
        this.clientAuth = clientAuth;
        this.protocols = protocols;
        this.cipherSuites = cipherSuites;
        this.endpointIdentification = endpointIdentification;
        this.principalMapper = principalMapper;
    }

    /**
     * Builds a listener's TLS context.
     *
     * @param config the listener's settings by unprefixed key (the {@code listener.name.<l>.} form already
     *               preferred)
     * @param requireKeyStore whether a key store is required (a server side; a client may have none)
     */
    public static TlsContext create(Function<String, Optional<String>> config, boolean requireKeyStore) {
        Optional<KeyStores.Loaded> keys = KeyStores.keyStore(config);
        if (requireKeyStore && keys.isEmpty()) {
            throw new ConfigException("ssl.keystore.location", null, "a TLS listener needs a key store");
        }
        Optional<KeyStore> trust = KeyStores.trustStore(config);
        String protocol = config.apply("ssl.protocol").orElse("TLSv1.3");
        ClientAuth clientAuth;
        try {
            clientAuth = ClientAuth.valueOf(config.apply("ssl.client.auth").orElse("none").trim()
                    .toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("ssl.client.auth", config.apply("ssl.client.auth").orElse(""),
                    "expected none, requested or required");
        }
        try {
            SSLContext context = SSLContext.getInstance(protocol);
            KeyManagerFactory kmf = null;
            if (keys.isPresent()) {
                kmf = KeyManagerFactory.getInstance(config.apply("ssl.keymanager.algorithm")
                        .orElse(KeyManagerFactory.getDefaultAlgorithm()));
                kmf.init(keys.get().store(), keys.get().keyPassword());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(config.apply("ssl.trustmanager.algorithm")
                    .orElse(TrustManagerFactory.getDefaultAlgorithm()));
            tmf.init(trust.orElse(null));
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return new TlsContext(context, clientAuth, list(config.apply("ssl.enabled.protocols")
                    .or(() -> Optional.of("TLSv1.2,TLSv1.3"))), list(config.apply("ssl.cipher.suites")),
                    config.apply("ssl.endpoint.identification.algorithm").orElse("https").trim(),
                    PrincipalMapper.parse(config.apply("ssl.principal.mapping.rules").orElse("DEFAULT")));
        } catch (GeneralSecurityException e) {
            throw new ConfigException("Cannot create the TLS context (" + protocol + "): " + e.getMessage());
        }
    }

    /**
     * Loads the key and trust stores again from {@code config} (the same keys as {@link #create}) and makes them the
     * ones new connections get; on any error nothing changes.
     *
     * @throws ConfigException if the stores cannot be loaded
     */
    public void reload(Function<String, Optional<String>> config) {
        adopt(create(config, true));
    }

    /** Makes the stores of {@code loaded} (a context of the same listener) the ones new connections get. */
    public void adopt(TlsContext loaded) {
        context = loaded.context;
    }

    /** An engine for a connection accepted from {@code peerHost:peerPort}. */
    public SSLEngine serverEngine(String peerHost, int peerPort) {
        SSLEngine engine = context.createSSLEngine(peerHost, peerPort);
        engine.setUseClientMode(false);
        apply(engine);
        switch (clientAuth) {
            case REQUIRED -> engine.setNeedClientAuth(true);
            case REQUESTED -> engine.setWantClientAuth(true);
            case NONE -> engine.setNeedClientAuth(false);
        }
        return engine;
    }

    /** An engine for this node's connection to {@code host:port}, verifying the host name unless turned off. */
    public SSLEngine clientEngine(String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        apply(engine);
        if (!endpointIdentification.isEmpty()) {
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm(endpointIdentification.toUpperCase(Locale.ROOT));
            engine.setSSLParameters(params);
        }
        return engine;
    }

    /**
     * The JDK HTTPS server's configuration for a listener with these settings: the same protocols, cipher suites and
     * {@code ssl.client.auth} as a Kafka TLS listener.
     */
    public com.sun.net.httpserver.HttpsConfigurator httpsConfigurator() {
        return new com.sun.net.httpserver.HttpsConfigurator(context) {
            @Override
            public void configure(com.sun.net.httpserver.HttpsParameters params) {
                params.setSSLParameters(serverEngine(null, -1).getSSLParameters());
            }
        };
    }

    /** Sockets for this node's own TLS client connections (configure them from {@link #clientEngine}). */
    public javax.net.ssl.SSLSocketFactory socketFactory() {
        return context.getSocketFactory();
    }

    /**
     * The principal of a finished handshake: the client certificate's subject mapped by
     * {@code ssl.principal.mapping.rules}, or {@link Principal#ANONYMOUS} without a certificate.
     *
     * @throws IllegalArgumentException if no mapping rule applies to the subject
     */
    public Principal principal(SSLSession session) {
        try {
            java.security.Principal peer = session.getPeerPrincipal();
            String name = peer instanceof X500Principal x500 ? x500.getName() : peer.getName();
            return Principal.user(principalMapper.map(name));
        } catch (SSLPeerUnverifiedException e) {
            return Principal.ANONYMOUS;
        }
    }

    private void apply(SSLEngine engine) {
        protocols.ifPresent(p -> engine.setEnabledProtocols(p.toArray(String[]::new)));
        cipherSuites.ifPresent(c -> engine.setEnabledCipherSuites(c.toArray(String[]::new)));
    }

    private static Optional<List<String>> list(Optional<String> value) {
        return value.map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .filter(l -> !l.isEmpty());
    }
}
