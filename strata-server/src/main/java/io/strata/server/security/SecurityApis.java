package io.strata.server.security;

import io.strata.server.ApiModule;
import io.strata.server.NodeServices;
import io.strata.server.api.RequestDispatcher;
import java.util.function.Function;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Authentication APIs: SaslHandshake and SaslAuthenticate on SASL listeners, and the SCRAM credential admin APIs
 * (DescribeUserScramCredentials, AlterUserScramCredentials), whose credentials live in the metadata log.
 */
public final class SecurityApis implements ApiModule {

    private final Function<String, ListenerSecurity> listeners;

    /** @param listeners each client listener's security, by listener name */
    public SecurityApis(Function<String, ListenerSecurity> listeners) {
        this.listeners = listeners;
    }

    @Override
    public void register(RequestDispatcher dispatcher, NodeServices s) {
        dispatcher.register(ApiKeys.SASL_HANDSHAKE, 0, 1, new SaslHandshakeHandler(listeners, s.quorum()))
                .register(ApiKeys.SASL_AUTHENTICATE, 0, 2, new SaslAuthenticateHandler(listeners))
                .register(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, 0, 0,
                        new DescribeUserScramCredentialsHandler(s.quorum()))
                .register(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, 0, 0,
                        new AlterUserScramCredentialsHandler(s.quorum(), s.waiter()));
    }
}
