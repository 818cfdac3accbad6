package io.strata.server.security;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataPublisher;
import io.strata.metadata.image.ImageDelta;
import io.strata.server.config.ServerConfig;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key stores and trust stores changed at run time, as Kafka's per-broker dynamic {@code ssl.keystore.*} and
 * {@code ssl.truststore.*} configs (KIP-226): an IncrementalAlterConfigs on this broker's resource sets, say,
 * {@code listener.name.ssl.ssl.keystore.location}, the new store is loaded and checked before anything is
 * written, and new connections of the listener get it while open ones keep theirs. The values live in the metadata
 * log as this broker's dynamic configs, so they are applied again after a restart.
 *
 * <p>Each TLS listener reads a key in this order: this broker's dynamic {@code listener.name.<l>.<key>}, the static
 * one, this broker's dynamic {@code <key>}, the static one. Re-setting a key to the value it already has reloads
 * the file, for a certificate renewed in place.
 *
 * <p>As a {@link MetadataPublisher} it applies the stores of each new image (so also of the first one after a
 * restart) on the publisher thread; a store that fails to load there is logged and the listener keeps its stores.
 *
 * <p>Thread-safe: {@link #apply} and {@link #install} are serialised; {@link TlsContext} swaps its stores atomically.
 */
public final class DynamicTls implements MetadataPublisher {

    private static final Logger log = LoggerFactory.getLogger(DynamicTls.class);

    /** The per-broker dynamic keys, unprefixed. All but the locations and types are secrets. */
    public static final Set<String> KEYS = Set.of("ssl.keystore.location", "ssl.keystore.password",
            "ssl.keystore.type", "ssl.keystore.key", "ssl.keystore.certificate.chain", "ssl.key.password",
            "ssl.truststore.location", "ssl.truststore.password", "ssl.truststore.type",
            "ssl.truststore.certificates");

    private final ServerConfig config;
    private final ConfigResourceKey brokerResource;
    private final Map<String, TlsContext> listeners;
    private final ReentrantLock lock = new ReentrantLock();
    private Map<String, String> applied = Map.of();

    /** @param listeners the TLS contexts of this node's TLS listeners, by listener name */
    public DynamicTls(ServerConfig config, int nodeId, Map<String, TlsContext> listeners) {
        this.config = config;
        this.brokerResource = new ConfigResourceKey(ConfigResourceKey.Type.BROKER, Integer.toString(nodeId));
        this.listeners = Map.copyOf(listeners);
    }

    @Override
    public String name() {
        return "dynamic TLS stores";
    }

    @Override
    public void publish(ImageDelta delta) {
        try {
            apply(delta.image().configs(brokerResource));
        } catch (ConfigException e) {
            log.error("A TLS listener keeps its previous key and trust stores: {}", e.getMessage());
        }
    }

    /** The TLS listeners of {@code security}, by name. */
    public static Map<String, TlsContext> tlsListeners(Map<String, ListenerSecurity> security) {
        Map<String, TlsContext> tls = new HashMap<>();
        security.forEach((name, s) -> s.tls().ifPresent(t -> tls.put(name, t)));
        return tls;
    }

    /** Whether {@code key} is one of {@link #KEYS}, unprefixed or in a listener's {@code listener.name.<l>.} form. */
    public static boolean isDynamicKey(String key) {
        return KEYS.contains(unprefixed(key));
    }

    /** Whether the value of a dynamic key is a secret (never described). */
    public static boolean isSecret(String key) {
        String k = unprefixed(key);
        return KEYS.contains(k) && !k.endsWith(".location") && !k.endsWith(".type");
    }

    /** Stores loaded and checked by {@link #load}, to be put in use by {@link #install}. */
    public record Loaded(Map<String, String> tls, Map<String, TlsContext> contexts) {
        public Loaded {
            tls = Map.copyOf(tls);
            contexts = Map.copyOf(contexts);
        }
    }

    /**
     * Checks that this broker's dynamic configs {@code brokerConfigs} name only TLS listeners of this node, and loads
     * the stores of every listener they touch, without putting them in use: a request's stores are checked before
     * anything is written, and the same loaded stores are then {@linkplain #install installed}.
     *
     * @throws ConfigException naming the key or listener at fault
     */
    public Loaded load(Map<String, String> brokerConfigs) {
        Map<String, String> tls = tlsSubset(brokerConfigs);
        for (String key : tls.keySet()) {
            listenerOf(key).filter(l -> listeners.keySet().stream().noneMatch(l::equalsIgnoreCase)).ifPresent(l -> {
                throw new ConfigException(key, "(hidden)", "no TLS listener named " + l.toUpperCase(Locale.ROOT)
                        + " on this broker; TLS listeners: " + listeners.keySet());
            });
        }
        Map<String, TlsContext> loaded = new HashMap<>();
        for (String listener : listeners.keySet()) {
            if (touches(tls, listener)) {
                try {
                    loaded.put(listener, TlsContext.create(lookup(listener, tls), true));
                } catch (ConfigException ex) {
                    throw new ConfigException("Validation of dynamic config update of listener " + listener
                            + "'s key store or trust store failed: " + ex.getMessage());
                }
            }
        }
        return new Loaded(tls, loaded);
    }

    /**
     * Puts stores from {@link #load} in use: new connections of each listener they touch get them (also when the
     * configs did not change, for a certificate renewed in place).
     */
    public void install(Loaded loaded) {
        lock.lock();
        try {
            loaded.contexts().forEach((listener, context) -> listeners.get(listener).adopt(context));
            applied = loaded.tls();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies this broker's dynamic configs: every TLS listener whose dynamic keys changed since the last call
     * reloads its stores. A store that fails to load leaves that listener as it was.
     *
     * @throws ConfigException if a listener's stores could not be loaded (the others are still applied)
     */
    public void apply(Map<String, String> brokerConfigs) {
        // A lock, not synchronized: loading a store reads files, and callers may be virtual threads.
        lock.lock();
        try {
            Map<String, String> tls = tlsSubset(brokerConfigs);
            if (tls.equals(applied)) {
                return;
            }
            ConfigException failure = null;
            for (Map.Entry<String, TlsContext> e : listeners.entrySet()) {
                String listener = e.getKey();
                if (!forListener(tls, listener).equals(forListener(applied, listener))) {
                    try {
                        e.getValue().reload(lookup(listener, tls));
                    } catch (ConfigException ex) {
                        failure = ex;
                    }
                }
            }
            applied = tls;
            if (failure != null) {
                throw failure;
            }
        } finally {
            lock.unlock();
        }
    }

    private Function<String, Optional<String>> lookup(String listener, Map<String, String> dynamic) {
        String prefix = prefix(listener);
        return key -> Optional.ofNullable(dynamic.get(prefix + key))
                .or(() -> Optional.ofNullable(config.originals().get(prefix + key)))
                .or(() -> Optional.ofNullable(dynamic.get(key)))
                .or(() -> config.get(key))
                .filter(v -> !v.isBlank());
    }

    private static Map<String, String> tlsSubset(Map<String, String> brokerConfigs) {
        return brokerConfigs.entrySet().stream().filter(e -> isDynamicKey(e.getKey()) && e.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> b, TreeMap::new));
    }

    /** The keys of {@code tls} that apply to {@code listener}: its prefixed ones and the unprefixed ones. */
    private static Map<String, String> forListener(Map<String, String> tls, String listener) {
        String prefix = prefix(listener);
        return tls.entrySet().stream().filter(e -> e.getKey().startsWith(prefix) || KEYS.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> b, TreeMap::new));
    }

    private static boolean touches(Map<String, String> tls, String listener) {
        return !forListener(tls, listener).isEmpty();
    }

    private static String prefix(String listener) {
        return "listener.name." + listener.toLowerCase(Locale.ROOT) + ".";
    }

    /** The lower-case listener name of a {@code listener.name.<l>.ssl.*} key. */
    private static Optional<String> listenerOf(String key) {
        if (!key.startsWith("listener.name.")) {
            return Optional.empty();
        }
        String rest = key.substring("listener.name.".length());
        int dot = rest.indexOf('.');
        return dot < 0 ? Optional.empty() : Optional.of(rest.substring(0, dot));
    }

    private static String unprefixed(String key) {
        Optional<String> listener = listenerOf(key);
        return listener.map(l -> key.substring("listener.name.".length() + l.length() + 1)).orElse(key);
    }
}
