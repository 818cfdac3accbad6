package io.strata.server.security;

import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;

/**
 * SaslAuthenticate: one token of the exchange started by SaslHandshake. On success the connection's principal is
 * {@code User:<name>} and, from v1, the response carries the session lifetime ({@code connections.max.reauth.ms})
 * after which the client must re-authenticate (KIP-368); a re-authentication may not change the principal. A
 * failure is SASL_AUTHENTICATION_FAILED with Kafka's message, after which the dispatcher closes the connection.
 *
 * <p>Thread-safe; each connection's state lives in its {@link Session}.
 */
final class SaslAuthenticateHandler implements ApiHandler<SaslAuthenticateRequest> {

    private final Function<String, ListenerSecurity> listeners;

    SaslAuthenticateHandler(Function<String, ListenerSecurity> listeners) {
        this.listeners = listeners;
    }

    @Override
    public ApiMessage handle(RequestContext context, SaslAuthenticateRequest request) {
        Session session = context.connection().session();
        SaslAuthenticateResponseData response = new SaslAuthenticateResponseData().setAuthBytes(new byte[0]);
        Optional<SaslServerMechanism> mechanism = session.mechanism();
        if (!session.protocol().sasl() || mechanism.isEmpty()) {
            return response.setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                    .setErrorMessage("SaslAuthenticate request received without a SaslHandshake");
        }
        SaslServerMechanism exchange = mechanism.get();
        try {
            byte[] reply = exchange.evaluate(request.data().authBytes());
            response.setAuthBytes(reply).setErrorCode(Errors.NONE.code());
            if (exchange.complete()) {
                Principal principal = Principal.user(exchange.authenticatedUser());
                if (session.authenticated() && !session.principal().equals(principal)) {
                    throw new SaslAuthenticationException("Cannot change principals during re-authentication from "
                            + session.principal() + " to " + principal);
                }
                long lifetimeMs = listeners.apply(context.listenerName()).reauthMs();
                session.saslAuthenticated(principal, lifetimeMs, System.nanoTime());
                if (context.apiVersion() >= 1) {
                    response.setSessionLifetimeMs(lifetimeMs);
                }
            }
            return response;
        } catch (SaslAuthenticationException e) {
            session.endExchange();
            return failed(response, e.getMessage());
        } catch (RuntimeException e) {
            session.endExchange();
            return failed(response, "Authentication failed during authentication due to an invalid token with "
                    + "SASL mechanism " + exchange.mechanismName());
        }
    }

    private static SaslAuthenticateResponseData failed(SaslAuthenticateResponseData response, String message) {
        return response.setAuthBytes(new byte[0]).setErrorCode(Errors.SASL_AUTHENTICATION_FAILED.code())
                .setErrorMessage(message);
    }
}
