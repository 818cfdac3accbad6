package io.strata.server.security;

import java.util.Objects;

/**
 * Who sent a request, as Kafka's {@code KafkaPrincipal}: a type ({@code User}) and a name. Every request carries one
 * (see {@code RequestContext}); connections on a PLAINTEXT listener, and TLS clients without a certificate, are
 * {@link #ANONYMOUS}. Immutable.
 */
public record Principal(String type, String name) {

    public static final String USER_TYPE = "User";

    /** Kafka's {@code User:ANONYMOUS}. */
    public static final Principal ANONYMOUS = new Principal(USER_TYPE, "ANONYMOUS");

    public Principal {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    public static Principal user(String name) {
        return new Principal(USER_TYPE, name);
    }

    /** Kafka's string form, {@code User:alice}, as ACLs and {@code super.users} write it. */
    @Override
    public String toString() {
        return type + ":" + name;
    }
}
