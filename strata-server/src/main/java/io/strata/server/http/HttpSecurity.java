package io.strata.server.http;

import io.strata.server.config.Endpoint;
import io.strata.server.config.ServerConfig;
import io.strata.server.security.TlsContext;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;

/**
 * How the HTTP listeners are secured: TLS for an {@code HTTPS://} listener, from Kafka's {@code ssl.*} keys read
 * first as {@code listener.name.https.ssl.*} and then unprefixed (the same rule and {@link TlsContext} as a Kafka
 * listener named HTTPS), and {@code http.authentication} ({@code none} or {@code basic}, against the SASL users)
 * with {@code http.authentication.open.paths} left open.
 *
 * <p>Immutable and thread-safe.
 *
 * @param tls       the TLS context of the HTTPS listener, present when there is one
 * @param basic     whether requests need HTTP Basic credentials
 * @param openPaths paths served without credentials
 */
public record HttpSecurity(Optional<TlsContext> tls, boolean basic, Set<String> openPaths) {

    /** The name of the TLS listener in {@code http.listeners}, and of its {@code listener.name.} prefix. */
    public static final String HTTPS = "HTTPS";

    public HttpSecurity {
        openPaths = Set.copyOf(openPaths);
    }

    /**
     * Resolves the HTTP listeners' security.
     *
     * @throws ConfigException on an HTTPS listener without a key store, or an unknown authentication mode
     */
    public static HttpSecurity resolve(ServerConfig config) {
        Optional<TlsContext> tls = Optional.empty();
        if (config.httpListeners().stream().map(Endpoint::listenerName).anyMatch(HTTPS::equals)) {
            String prefix = "listener.name." + HTTPS.toLowerCase(Locale.ROOT) + ".";
            Function<String, Optional<String>> lookup = key -> Optional.ofNullable(config.originals()
                    .get(prefix + key)).or(() -> config.get(key)).filter(v -> !v.isBlank());
            tls = Optional.of(TlsContext.create(lookup, true));
        }
        String mode = config.get("http.authentication").orElse("none").trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("none") && !mode.equals("basic")) {
            throw new ConfigException("http.authentication", mode, "expected none or basic");
        }
        Set<String> open = config.get("http.authentication.open.paths").map(v -> Arrays.stream(v.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet())).orElse(Set.of());
        for (String path : open) {
            if (!path.startsWith("/")) {
                throw new ConfigException("http.authentication.open.paths", path, "a path starts with /");
            }
        }
        return new HttpSecurity(tls, mode.equals("basic"), open);
    }
}
