package io.strata.server.security;

import io.strata.metadata.MetadataQuorum;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.function.Function;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.SaslHandshakeRequest;

/**
 * SaslHandshake: the client picks a mechanism among the listener's {@code sasl.enabled.mechanisms}; from v1 the
 * SaslAuthenticate requests that follow carry the exchange, at v0 bare tokens do ({@link RawSaslTokens}). Also the first step of a re-authentication (KIP-368).
 * An unsupported mechanism gets UNSUPPORTED_SASL_MECHANISM with the enabled ones (the dispatcher then closes the
 * connection, as Kafka does); a non-SASL listener gets ILLEGAL_SASL_STATE.
 *
 * <p>Thread-safe; each connection's state lives in its {@link Session}.
 */
final class SaslHandshakeHandler implements ApiHandler<SaslHandshakeRequest> {

    private final Function<String, ListenerSecurity> listeners;
    private final MetadataQuorum quorum;

    SaslHandshakeHandler(Function<String, ListenerSecurity> listeners, MetadataQuorum quorum) {
        this.listeners = listeners;
        this.quorum = quorum;
    }

    @Override
    public ApiMessage handle(RequestContext context, SaslHandshakeRequest request) {
        Session session = context.connection().session();
        ListenerSecurity security = listeners.apply(context.listenerName());
        SaslHandshakeResponseData response = new SaslHandshakeResponseData()
                .setMechanisms(security.saslMechanisms());
        if (!session.protocol().sasl()) {
            return response.setErrorCode(Errors.ILLEGAL_SASL_STATE.code());
        }
        String mechanism = request.data().mechanism();
        if (!security.saslMechanisms().contains(mechanism)) {
            return response.setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code());
        }
        SaslServerMechanism exchange = mechanism.equals(PlainServer.MECHANISM)
                ? new PlainServer(security.plainUsers())
                : new ScramServer(ScramMechanism.forName(mechanism).orElseThrow(),
                        (user, m) -> quorum.image().scramCredential(user, m));
        if (context.apiVersion() == 0) {
            session.startRawExchange(exchange, security.reauthMs());
        } else {
            session.startExchange(exchange);
        }
        return response.setErrorCode(Errors.NONE.code());
    }
}
