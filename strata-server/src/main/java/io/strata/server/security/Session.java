package io.strata.server.security;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * A connection's authentication state: its listener's security protocol, its principal, and for SASL listeners
 * where it is in the SaslHandshake/SaslAuthenticate exchange and when its session expires
 * ({@code connections.max.reauth.ms}, KIP-368).
 *
 * <p>Before a SASL connection has authenticated, only ApiVersions, SaslHandshake and SaslAuthenticate may be sent;
 * any other request closes the connection, as Kafka's authenticator does. Once its session has expired, only a
 * re-authentication (SaslHandshake then SaslAuthenticate) may be sent.
 *
 * <p>Thread-safety: changed only on its connection's thread (requests are handled one at a time per connection);
 * fields are volatile so that other threads (the idle reaper, metrics) read a current value.
 */
public final class Session {

    private final SecurityProtocolName protocol;
    private volatile Principal principal;
    private volatile boolean authenticated;
    private volatile long expiresAtNanos = Long.MAX_VALUE;
    private volatile Optional<SaslServerMechanism> mechanism = Optional.empty();
    private volatile boolean rawTokens;
    private volatile long rawLifetimeMs;

    private Session(SecurityProtocolName protocol, Principal principal, boolean authenticated) {
        this.protocol = protocol;
        this.principal = principal;
        this.authenticated = authenticated;
    }

    /** A PLAINTEXT connection: anonymous and already authenticated. */
    public static Session plaintext() {
        return new Session(SecurityProtocolName.PLAINTEXT, Principal.ANONYMOUS, true);
    }

    /**
     * A new connection on a listener with {@code protocol}: a SASL one is unauthenticated until SaslAuthenticate
     * succeeds; an SSL one gets its principal from the client certificate once the handshake is done.
     */
    public static Session forProtocol(SecurityProtocolName protocol) {
        return new Session(protocol, Principal.ANONYMOUS, !protocol.sasl());
    }

    public SecurityProtocolName protocol() {
        return protocol;
    }

    public Principal principal() {
        return principal;
    }

    /** Whether the connection has authenticated (always for PLAINTEXT and SSL). */
    public boolean authenticated() {
        return authenticated;
    }

    /** Sets the principal found by the TLS handshake (SSL listeners). */
    public void tlsAuthenticated(Principal principal) {
        this.principal = principal;
    }

    /**
     * Whether a request for {@code key} may be handled now: the SASL exchange's own APIs always; ApiVersions only
     * before authentication; every other API once authenticated and not expired.
     */
    public boolean mayServe(ApiKeys key, long nowNanos) {
        if (key == ApiKeys.SASL_HANDSHAKE || key == ApiKeys.SASL_AUTHENTICATE) {
            return true;
        }
        if (!authenticated) {
            return key == ApiKeys.API_VERSIONS;
        }
        return nowNanos - expiresAtNanos < 0;
    }

    /** The mechanism chosen by the last SaslHandshake, until its exchange completes or fails. */
    public Optional<SaslServerMechanism> mechanism() {
        return mechanism;
    }

    void startExchange(SaslServerMechanism chosen) {
        mechanism = Optional.of(chosen);
        rawTokens = false;
    }

    /**
     * Starts an exchange of SaslHandshake v0: the frames that follow are the mechanism's bare tokens, not Kafka
     * requests, until it completes (with a session of {@code lifetimeMs}) or fails.
     */
    void startRawExchange(SaslServerMechanism chosen, long lifetimeMs) {
        mechanism = Optional.of(chosen);
        rawTokens = true;
        rawLifetimeMs = lifetimeMs;
    }

    /** Whether the next frame is a bare SASL token (after SaslHandshake v0). */
    public boolean expectsRawToken() {
        return rawTokens && mechanism.isPresent();
    }

    long rawLifetimeMs() {
        return rawLifetimeMs;
    }

    void endExchange() {
        mechanism = Optional.empty();
        rawTokens = false;
    }

    /**
     * Records a successful SASL authentication; a session lifetime of 0 never expires.
     */
    void saslAuthenticated(Principal principal, long lifetimeMs, long nowNanos) {
        this.principal = principal;
        this.authenticated = true;
        this.expiresAtNanos = lifetimeMs > 0 ? nowNanos + TimeUnit.MILLISECONDS.toNanos(lifetimeMs) : Long.MAX_VALUE;
        endExchange();
    }
}
