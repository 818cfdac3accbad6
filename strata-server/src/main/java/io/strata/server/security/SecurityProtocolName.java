package io.strata.server.security;

import java.util.Locale;
import java.util.Optional;

/** Kafka's security protocols, as {@code listener.security.protocol.map} names them. */
public enum SecurityProtocolName {
    PLAINTEXT(false, false),
    SSL(true, false),
    SASL_PLAINTEXT(false, true),
    SASL_SSL(true, true);

    private final boolean tls;
    private final boolean sasl;

    SecurityProtocolName(boolean tls, boolean sasl) {
        this.tls = tls;
        this.sasl = sasl;
    }

    /** Whether connections are encrypted with TLS. */
    public boolean tls() {
        return tls;
    }

    /** Whether clients authenticate with SASL. */
    public boolean sasl() {
        return sasl;
    }

    /** The protocol of that name (case-insensitive), if there is one. */
    public static Optional<SecurityProtocolName> of(String name) {
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
