package io.strata.server.security;

import io.strata.server.config.ServerConfig;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/**
 * How one listener secures its connections, resolved from Kafka's keys, each read first in its listener-prefixed
 * form ({@code listener.name.<listener>.<key>}, the listener name lower-cased) and then unprefixed: the security
 * protocol ({@code listener.security.protocol.map}), TLS ({@code ssl.*}, see {@link TlsContext}), the enabled SASL
 * mechanisms ({@code sasl.enabled.mechanisms}) and the PLAIN users of the listener's JAAS config
 * ({@code listener.name.<l>.plain.sasl.jaas.config} or {@code sasl.jaas.config}, options
 * {@code user_<name>="<password>"}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param reauthMs {@code connections.max.reauth.ms}: the longest SASL session before the client must
 *                 re-authenticate, 0 for no limit
 */
public record ListenerSecurity(String listenerName, SecurityProtocolName protocol, Optional<TlsContext> tls,
                               List<String> saslMechanisms, Map<String, String> plainUsers, long reauthMs) {

    /** The SASL mechanisms this node implements. */
    public static final List<String> SUPPORTED_MECHANISMS = List.of(PlainServer.MECHANISM,
            ScramMechanism.SCRAM_SHA_256.mechanismName(), ScramMechanism.SCRAM_SHA_512.mechanismName());

    private static final Pattern JAAS_OPTION = Pattern.compile("([\\w.\\-]+)\\s*=\\s*(\"((?:\\\\.|[^\"\\\\])*)\"|"
            + "([^\\s;\"]+))");

    public ListenerSecurity {
        saslMechanisms = List.copyOf(saslMechanisms);
        plainUsers = Map.copyOf(plainUsers);
    }

    /** A plaintext listener (no TLS, no SASL). */
    public static ListenerSecurity plaintext(String listenerName) {
        return new ListenerSecurity(listenerName, SecurityProtocolName.PLAINTEXT, Optional.empty(), List.of(),
                Map.of(), 0);
    }

    /**
     * Resolves a listener's security.
     *
     * @throws ConfigException on a missing key store, an unknown or unsupported mechanism, a PLAIN listener without
     *         users...
     */
    public static ListenerSecurity resolve(ServerConfig config, String listenerName) {
        SecurityProtocolName protocol = config.securityProtocol(listenerName);
        String prefix = "listener.name." + listenerName.toLowerCase(Locale.ROOT) + ".";
        java.util.function.Function<String, Optional<String>> lookup = key -> Optional.ofNullable(
                config.originals().get(prefix + key)).or(() -> config.get(key)).filter(v -> !v.isBlank());
        Optional<TlsContext> tls = protocol.tls() ? Optional.of(TlsContext.create(lookup, true)) : Optional.empty();
        List<String> mechanisms = List.of();
        Map<String, String> plainUsers = Map.of();
        if (protocol.sasl()) {
            mechanisms = lookup.apply("sasl.enabled.mechanisms").map(v -> Arrays.stream(v.split(","))
                    .map(String::trim).filter(s -> !s.isEmpty()).toList()).orElse(List.of());
            for (String mechanism : mechanisms) {
                if (!SUPPORTED_MECHANISMS.contains(mechanism)) {
                    throw new ConfigException(prefix + "sasl.enabled.mechanisms", String.join(",", mechanisms),
                            "mechanism " + mechanism + " is not supported; supported: " + SUPPORTED_MECHANISMS);
                }
            }
            if (mechanisms.isEmpty()) {
                throw new ConfigException(prefix + "sasl.enabled.mechanisms", "",
                        "a SASL listener needs at least one mechanism");
            }
            if (mechanisms.contains(PlainServer.MECHANISM)) {
                String jaas = Optional.ofNullable(config.originals().get(prefix + "plain.sasl.jaas.config"))
                        .or(() -> lookup.apply("sasl.jaas.config")).orElseThrow(() -> new ConfigException(
                                prefix + "plain.sasl.jaas.config", null,
                                "PLAIN needs a JAAS config with user_<name>=\"<password>\" options"));
                plainUsers = plainUsers(jaas);
            }
        }
        long reauth = lookup.apply("connections.max.reauth.ms").map(v -> parseLong(prefix
                + "connections.max.reauth.ms", v)).orElse(0L);
        return new ListenerSecurity(listenerName, protocol, tls, mechanisms, plainUsers, reauth);
    }

    /** Never prints the PLAIN users' passwords. */
    @Override
    public String toString() {
        return "ListenerSecurity[" + listenerName + ", " + protocol + ", mechanisms=" + saslMechanisms
                + ", plainUsers=" + plainUsers.keySet() + ", reauthMs=" + reauthMs + "]";
    }

    /** The options of a JAAS config line ({@code Module required key="value" ...;}), in order. */
    public static Map<String, String> jaasOptions(String jaas) {
        Map<String, String> options = new LinkedHashMap<>();
        Matcher m = JAAS_OPTION.matcher(jaas);
        while (m.find()) {
            String value = m.group(3) != null ? m.group(3).replaceAll("\\\\(.)", "$1") : m.group(4);
            options.put(m.group(1), value);
        }
        return options;
    }

    private static Map<String, String> plainUsers(String jaas) {
        Map<String, String> users = new LinkedHashMap<>();
        jaasOptions(jaas).forEach((k, v) -> {
            if (k.startsWith("user_") && k.length() > 5) {
                users.put(k.substring(5), v);
            }
        });
        return users;
    }

    private static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "expected a long integer");
        }
    }
}
