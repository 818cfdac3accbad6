package io.strata.server.config;

import io.strata.server.security.SecurityProtocolName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * The listeners of a node's configuration: the Kafka listeners ({@code listeners}, {@code advertised.listeners},
 * {@code controller.listener.names}), their security protocols ({@code listener.security.protocol.map}), which one
 * the brokers use among themselves, and the HTTP server's and schema registry's own listeners.
 *
 * <p>Immutable and thread-safe.
 */
final class ListenerConfig {

    private static final String PROTOCOL_MAP = "listener.security.protocol.map";

    private final Map<String, String> values;
    private final boolean protocolMapGiven;

    /**
     * @param values           the node's properties over the defaults of {@link BrokerKeyTable#KEYS}
     * @param protocolMapGiven whether {@code listener.security.protocol.map} was set rather than defaulted
     */
    ListenerConfig(Map<String, String> values, boolean protocolMapGiven) {
        this.values = values;
        this.protocolMapGiven = protocolMapGiven;
    }

    List<Endpoint> listeners() {
        return Endpoint.parseList("listeners", values.get("listeners"));
    }

    /** Client-facing listeners: every listener except the controller listeners. */
    List<Endpoint> brokerListeners() {
        List<String> controllers = controllerListenerNames();
        return listeners().stream().filter(e -> !controllers.contains(e.listenerName())).toList();
    }

    /** Advertised listeners; those not given fall back to the bound listener. */
    List<Endpoint> advertisedListeners() {
        return Endpoint.parseList("advertised.listeners", values.get("advertised.listeners"));
    }

    List<String> controllerListenerNames() {
        return ServerConfig.splitList(values.get("controller.listener.names")).stream()
                .map(s -> s.toUpperCase(Locale.ROOT)).toList();
    }

    /**
     * The embedded HTTP server's listeners ({@code http.listeners}): {@code HTTP} and {@code HTTPS}, at most one of
     * each; empty when it is off.
     */
    List<Endpoint> httpListeners() {
        return httpEndpoints("http.listeners");
    }

    /**
     * The schema registry's own listeners ({@code schema.registry.listeners}), serving its API at the root path;
     * empty (the default) when the registry is only under {@code /schema-registry} of the HTTP server. HTTP or
     * HTTPS (with the HTTP server's TLS), and only beside {@code http.listeners}, whose first listener other nodes
     * forward registry writes to.
     */
    List<Endpoint> schemaRegistryListeners() {
        String key = "schema.registry.listeners";
        List<Endpoint> endpoints = httpEndpoints(key);
        if (!endpoints.isEmpty() && httpListeners().isEmpty()) {
            throw new ConfigException(key, values.get(key), "the schema registry needs the HTTP server: set "
                    + "http.listeners too");
        }
        return endpoints;
    }

    private List<Endpoint> httpEndpoints(String key) {
        List<Endpoint> endpoints = Endpoint.parseList(key, values.get(key));
        for (Endpoint e : endpoints) {
            if (!e.listenerName().equals("HTTP") && !e.listenerName().equals("HTTPS")) {
                throw new ConfigException(key, values.get(key),
                        "listener " + e.listenerName() + " is not supported: HTTP://host:port or HTTPS://host:port");
            }
        }
        return endpoints;
    }

    /**
     * Each listener name's security protocol: {@code listener.security.protocol.map}, where, as in Kafka's KRaft
     * mode, controller listeners missing from the default map are PLAINTEXT.
     */
    Map<String, SecurityProtocolName> securityProtocolMap() {
        String raw = values.get(PROTOCOL_MAP);
        Map<String, SecurityProtocolName> map = new LinkedHashMap<>();
        for (String pair : raw.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int colon = pair.indexOf(':');
            Optional<SecurityProtocolName> protocol = colon > 0 ? SecurityProtocolName.of(pair.substring(colon + 1))
                    : Optional.empty();
            if (protocol.isEmpty()) {
                throw new ConfigException(PROTOCOL_MAP, raw, "expected NAME:PROTOCOL pairs with "
                        + "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, got '" + pair.trim() + "'");
            }
            map.put(pair.substring(0, colon).trim().toUpperCase(Locale.ROOT), protocol.get());
        }
        if (!protocolMapGiven) {
            controllerListenerNames().forEach(n -> map.putIfAbsent(n, SecurityProtocolName.PLAINTEXT));
        }
        return map;
    }

    /** The security protocol of a listener. */
    SecurityProtocolName securityProtocol(String listenerName) {
        SecurityProtocolName protocol = securityProtocolMap().get(listenerName);
        if (protocol == null) {
            throw new ConfigException(PROTOCOL_MAP, values.get(PROTOCOL_MAP),
                    "no security protocol defined for listener " + listenerName);
        }
        return protocol;
    }

    /**
     * The listener brokers use to reach each other: {@code inter.broker.listener.name}, else the listener named
     * by {@code security.inter.broker.protocol}, else the first client listener.
     */
    String interBrokerListenerName() {
        Optional<String> byName = Optional.ofNullable(values.get("inter.broker.listener.name"))
                .map(s -> s.trim().toUpperCase(Locale.ROOT));
        Optional<String> byProtocol = Optional.ofNullable(values.get("security.inter.broker.protocol"))
                .map(s -> s.trim().toUpperCase(Locale.ROOT));
        if (byName.isPresent() && byProtocol.isPresent()) {
            throw new ConfigException("Only one of inter.broker.listener.name and security.inter.broker.protocol "
                    + "may be set");
        }
        return byName.or(() -> byProtocol).orElseGet(() -> brokerListeners().get(0).listenerName());
    }

    /**
     * Parses every listener key. Every listener has a protocol; the metadata quorum's listeners are plaintext
     * (Ratis runs over its own unencrypted gRPC transport, so a secured controller listener would be a false
     * promise); the inter-broker listener is one of this node's client listeners.
     *
     * @throws ConfigException naming the first key that is wrong
     */
    void validate() {
        listeners();
        advertisedListeners();
        for (Endpoint e : listeners()) {
            SecurityProtocolName protocol = securityProtocol(e.listenerName());
            if (controllerListenerNames().contains(e.listenerName()) && protocol != SecurityProtocolName.PLAINTEXT) {
                throw new ConfigException(PROTOCOL_MAP, values.get(PROTOCOL_MAP), "controller listener "
                        + e.listenerName() + " must be PLAINTEXT: the metadata quorum (Apache Ratis) does not run "
                        + "over TLS or SASL yet");
            }
        }
        if (!brokerListeners().isEmpty()) {
            String interBroker = interBrokerListenerName();
            if (brokerListeners().stream().noneMatch(e -> e.listenerName().equals(interBroker))) {
                throw new ConfigException("inter.broker.listener.name", interBroker,
                        "not one of this node's client listeners " + brokerListeners());
            }
        }
        httpListeners();
        schemaRegistryListeners();
    }
}
