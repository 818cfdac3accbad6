package io.strata.server.security;

/**
 * The server side of one SASL exchange on one connection. Tokens come from SaslAuthenticate requests, in order.
 *
 * <p>Not thread-safe: used by its connection's thread only.
 */
public sealed interface SaslServerMechanism permits PlainServer, ScramServer {

    /** The mechanism's SASL name, e.g. {@code SCRAM-SHA-512}. */
    String mechanismName();

    /**
     * Evaluates the client's next token and returns the server's reply (possibly empty).
     *
     * @throws org.apache.kafka.common.errors.SaslAuthenticationException when the client fails to authenticate or
     *         sends a malformed token
     */
    byte[] evaluate(byte[] token);

    /** Whether the exchange has succeeded. */
    boolean complete();

    /** The authenticated user's name, once {@link #complete()}. */
    String authenticatedUser();
}
