package io.strata.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

class SessionTest {

    @Test
    void plaintextAndSslConnectionsServeEverything() {
        assertThat(Session.plaintext().mayServe(ApiKeys.PRODUCE, System.nanoTime())).isTrue();
        assertThat(Session.plaintext().principal()).isEqualTo(Principal.ANONYMOUS);
        Session ssl = Session.forProtocol(SecurityProtocolName.SSL);
        ssl.tlsAuthenticated(Principal.user("alice"));
        assertThat(ssl.mayServe(ApiKeys.FETCH, System.nanoTime())).isTrue();
        assertThat(ssl.principal().toString()).isEqualTo("User:alice");
    }

    @Test
    void saslConnectionsServeOnlyTheExchangeUntilAuthenticated() {
        long now = System.nanoTime();
        Session session = Session.forProtocol(SecurityProtocolName.SASL_SSL);
        assertThat(session.mayServe(ApiKeys.API_VERSIONS, now)).isTrue();
        assertThat(session.mayServe(ApiKeys.SASL_HANDSHAKE, now)).isTrue();
        assertThat(session.mayServe(ApiKeys.SASL_AUTHENTICATE, now)).isTrue();
        assertThat(session.mayServe(ApiKeys.METADATA, now)).isFalse();
        session.startExchange(new PlainServer(Map.of()));
        assertThat(session.mechanism()).isPresent();
        session.saslAuthenticated(Principal.user("bob"), 0, now);
        assertThat(session.mechanism()).isEmpty();
        assertThat(session.mayServe(ApiKeys.METADATA, now + TimeUnit.DAYS.toNanos(365))).isTrue();
    }

    @Test
    void anExpiredSessionServesOnlyReauthentication() {
        long now = System.nanoTime();
        Session session = Session.forProtocol(SecurityProtocolName.SASL_PLAINTEXT);
        session.saslAuthenticated(Principal.user("bob"), 1000, now);
        assertThat(session.mayServe(ApiKeys.PRODUCE, now + TimeUnit.MILLISECONDS.toNanos(999))).isTrue();
        long later = now + TimeUnit.MILLISECONDS.toNanos(1001);
        assertThat(session.mayServe(ApiKeys.PRODUCE, later)).isFalse();
        assertThat(session.mayServe(ApiKeys.SASL_HANDSHAKE, later)).isTrue();
        session.saslAuthenticated(Principal.user("bob"), 1000, later);
        assertThat(session.mayServe(ApiKeys.PRODUCE, later)).isTrue();
    }
}
