package io.strata.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

class PlainServerTest {

    private final PlainServer server = new PlainServer(Map.of("alice", "alice-secret"));

    @Test
    void authenticatesAKnownUser() {
        assertThat(server.evaluate(token("\0alice\0alice-secret"))).isEmpty();
        assertThat(server.complete()).isTrue();
        assertThat(server.authenticatedUser()).isEqualTo("alice");
    }

    @Test
    void acceptsTheUserAsAuthorizationId() {
        server.evaluate(token("alice\0alice\0alice-secret"));
        assertThat(server.complete()).isTrue();
    }

    @Test
    void refusesWrongPasswordsUnknownUsersAndOtherAuthorizationIds() {
        for (String token : new String[] {"\0alice\0wrong", "\0bob\0alice-secret", "bob\0alice\0alice-secret",
                "\0alice\0", "\0\0alice-secret", "alice-secret", "\0alice\0alice-secret\0", ""}) {
            PlainServer fresh = new PlainServer(Map.of("alice", "alice-secret"));
            assertThatThrownBy(() -> fresh.evaluate(token(token))).as(token.replace('\0', '|'))
                    .isInstanceOf(SaslAuthenticationException.class);
            assertThat(fresh.complete()).isFalse();
        }
    }

    @Test
    void takesASingleToken() {
        server.evaluate(token("\0alice\0alice-secret"));
        assertThatThrownBy(() -> server.evaluate(token("\0alice\0alice-secret")))
                .isInstanceOf(SaslAuthenticationException.class);
    }

    private static byte[] token(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
