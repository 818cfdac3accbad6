package io.strata.server.security;

import io.strata.server.network.ConnectionInfo;
import io.strata.server.network.RequestChannel;
import java.nio.ByteBuffer;
import org.apache.kafka.common.network.ByteBufferSend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exchange after SaslHandshake v0 (clients before Kafka 1.0 and librdkafka's fallback): each frame is a bare
 * SASL token and each answer the mechanism's bare reply, both size-prefixed, with no Kafka header. Since the
 * protocol has no room for an error, a failed authentication closes the connection, as Kafka does.
 *
 * <p>Stateless and thread-safe; the connection's state is in its {@link Session}.
 */
public final class RawSaslTokens {

    private static final Logger log = LoggerFactory.getLogger(RawSaslTokens.class);

    private RawSaslTokens() {
    }

    /** Evaluates one bare token of {@code connection}'s exchange ({@link Session#expectsRawToken()}). */
    public static RequestChannel.Outcome handle(ConnectionInfo connection, ByteBuffer frame) {
        Session session = connection.session();
        SaslServerMechanism exchange = session.mechanism().orElseThrow();
        byte[] token = new byte[frame.remaining()];
        frame.get(token);
        byte[] reply;
        try {
            reply = exchange.evaluate(token);
        } catch (RuntimeException e) {
            session.endExchange();
            log.info("SASL {} authentication of {} failed: {}", exchange.mechanismName(),
                    connection.clientAddress(), e.getMessage());
            return new RequestChannel.Disconnect("SASL authentication failed");
        }
        if (exchange.complete()) {
            session.saslAuthenticated(Principal.user(exchange.authenticatedUser()), session.rawLifetimeMs(),
                    System.nanoTime());
        }
        return new RequestChannel.Respond(ByteBufferSend.sizePrefixed(ByteBuffer.wrap(reply)));
    }
}
