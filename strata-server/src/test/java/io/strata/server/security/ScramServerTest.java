package io.strata.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.metadata.ScramCredential;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.scram.ScramExtensionsCallback;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramSaslClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Our SCRAM server against kafka-clients' own SCRAM client, and our key derivation against Kafka's. */
class ScramServerTest {

    private static final byte[] SALT = "a-salt-of-sixteen".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void derivesTheSameKeysAsKafka(ScramMechanism mechanism) throws Exception {
        ScramFormatter kafka = new ScramFormatter(kafkaMechanism(mechanism));
        org.apache.kafka.common.security.scram.ScramCredential expected = kafka.generateCredential(SALT,
                kafka.saltedPassword("pässword", SALT, 4096), 4096);
        ScramCredential ours = mechanism.credential("pässword", SALT, 4096);
        assertThat(ours.storedKey()).isEqualTo(expected.storedKey());
        assertThat(ours.serverKey()).isEqualTo(expected.serverKey());
        assertThat(ours.salt()).isEqualTo(expected.salt());
    }

    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void authenticatesKafkasClientWhichVerifiesTheServer(ScramMechanism mechanism) throws Exception {
        ScramServer server = server(mechanism);
        SaslClient client = kafkaClient(mechanism, "alice", "alice-secret");
        byte[] serverFirst = server.evaluate(client.evaluateChallenge(new byte[0]));
        byte[] serverFinal = server.evaluate(client.evaluateChallenge(serverFirst));
        client.evaluateChallenge(serverFinal); // throws if the server's signature is wrong
        assertThat(client.isComplete()).isTrue();
        assertThat(server.complete()).isTrue();
        assertThat(server.authenticatedUser()).isEqualTo("alice");
    }

    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void authenticatesOurOwnClient(ScramMechanism mechanism) {
        ScramServer server = server(mechanism);
        ScramClient client = new ScramClient(mechanism, "alice", "alice-secret");
        byte[] serverFirst = server.evaluate(client.clientFirst());
        client.verifyServerFinal(server.evaluate(client.clientFinal(serverFirst)));
        assertThat(server.complete()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void refusesAWrongPassword(ScramMechanism mechanism) throws Exception {
        ScramServer server = server(mechanism);
        SaslClient client = kafkaClient(mechanism, "alice", "wrong");
        byte[] serverFirst = server.evaluate(client.evaluateChallenge(new byte[0]));
        byte[] clientFinal = client.evaluateChallenge(serverFirst);
        assertThatThrownBy(() -> server.evaluate(clientFinal)).isInstanceOf(SaslAuthenticationException.class)
                .hasMessageContaining("Invalid client credentials");
        assertThat(server.complete()).isFalse();
        assertThatThrownBy(() -> server.evaluate(clientFinal)).isInstanceOf(SaslAuthenticationException.class);
    }

    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void refusesAnUnknownUserOrAnotherMechanismsCredential(ScramMechanism mechanism) throws Exception {
        SaslClient client = kafkaClient(mechanism, "mallory", "secret");
        assertThatThrownBy(() -> server(mechanism).evaluate(client.evaluateChallenge(new byte[0])))
                .isInstanceOf(SaslAuthenticationException.class).hasMessageContaining("Invalid user credentials");
        ScramMechanism other = mechanism == ScramMechanism.SCRAM_SHA_256 ? ScramMechanism.SCRAM_SHA_512
                : ScramMechanism.SCRAM_SHA_256;
        ScramServer onlyOther = new ScramServer(mechanism, (user, m) -> m.equals(other.mechanismName())
                ? Optional.of(other.credential("alice-secret", SALT, 4096)) : Optional.empty());
        SaslClient alice = kafkaClient(mechanism, "alice", "alice-secret");
        assertThatThrownBy(() -> onlyOther.evaluate(alice.evaluateChallenge(new byte[0])))
                .isInstanceOf(SaslAuthenticationException.class);
    }

    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void refusesMalformedAndTamperedMessages(ScramMechanism mechanism) throws Exception {
        for (String garbage : new String[] {"", "x", "n,,", "p=tls-unique,,n=alice,r=abc", "n,,n=alice",
                "n,,n=al=ice,r=abc", "n,,n=alice,r=abc,tokenauth=true", "\0\0\0"}) {
            assertThatThrownBy(() -> server(mechanism).evaluate(garbage.getBytes(StandardCharsets.UTF_8)))
                    .as(garbage).isInstanceOf(SaslAuthenticationException.class);
        }
        ScramServer server = server(mechanism);
        SaslClient client = kafkaClient(mechanism, "alice", "alice-secret");
        byte[] serverFirst = server.evaluate(client.evaluateChallenge(new byte[0]));
        String clientFinal = new String(client.evaluateChallenge(serverFirst), StandardCharsets.UTF_8);
        // Another nonce (a replayed final message) is refused.
        String replayed = clientFinal.replaceFirst("r=([^,]*)", "r=$1x");
        assertThatThrownBy(() -> server.evaluate(replayed.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SaslAuthenticationException.class).hasMessageContaining("nonce");
    }

    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void acceptsLibrdkafkasDoubledClientNonceAsKafkaDoes(ScramMechanism mechanism) {
        // librdkafka's client-final nonce is its own nonce followed by the combined one (which starts with it).
        ScramServer server = server(mechanism);
        String clientNonce = "rOprNGfwEbeRWgbNEkqO";
        String serverFirst = new String(server.evaluate(("n,,n=alice,r=" + clientNonce)
                .getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        String combined = serverFirst.substring(2, serverFirst.indexOf(','));
        String withoutProof = "c=biws,r=" + clientNonce + combined;
        byte[] salted = mechanism.saltedPassword("alice-secret", SALT, 4096);
        byte[] clientKey = mechanism.hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] authMessage = ("n=alice,r=" + clientNonce + "," + serverFirst + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);
        byte[] signature = mechanism.hmac(mechanism.hash(clientKey), authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        server.evaluate((withoutProof + ",p=" + java.util.Base64.getEncoder().encodeToString(proof))
                .getBytes(StandardCharsets.UTF_8));
        assertThat(server.complete()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void anAuthorizationIdOtherThanTheUserIsRefused(ScramMechanism mechanism) {
        ScramServer server = server(mechanism);
        assertThatThrownBy(() -> server.evaluate("n,a=bob,n=alice,r=abcdef".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SaslAuthenticationException.class).hasMessageContaining("authorization id");
        assertThat(server(mechanism).evaluate("n,a=alice,n=alice,r=abcdef".getBytes(StandardCharsets.UTF_8)))
                .isNotEmpty();
    }

    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void userNamesWithCommasAndEqualsSignsAreDecoded(ScramMechanism mechanism) throws Exception {
        String user = "a,b=c";
        ScramServer server = new ScramServer(mechanism, (u, m) -> u.equals(user)
                ? Optional.of(mechanism.credential("pw", SALT, 4096)) : Optional.empty());
        SaslClient client = kafkaClient(mechanism, user, "pw");
        client.evaluateChallenge(server.evaluate(client.evaluateChallenge(
                server.evaluate(client.evaluateChallenge(new byte[0])))));
        assertThat(server.authenticatedUser()).isEqualTo(user);
    }

    private static ScramServer server(ScramMechanism mechanism) {
        Map<String, ScramCredential> users = Map.of("alice", mechanism.credential("alice-secret", SALT, 4096));
        return new ScramServer(mechanism, (user, m) -> m.equals(mechanism.mechanismName())
                ? Optional.ofNullable(users.get(user)) : Optional.empty());
    }

    private static SaslClient kafkaClient(ScramMechanism mechanism, String user, String password)
            throws Exception {
        return new ScramSaslClient(kafkaMechanism(mechanism), callbacks -> {
            for (Callback callback : callbacks) {
                switch (callback) {
                    case NameCallback name -> name.setName(user);
                    case PasswordCallback pw -> pw.setPassword(password.toCharArray());
                    case ScramExtensionsCallback ignored -> { }
                    default -> throw new SaslException("Unexpected callback " + callback);
                }
            }
        });
    }

    private static org.apache.kafka.common.security.scram.internals.ScramMechanism kafkaMechanism(
            ScramMechanism mechanism) {
        return org.apache.kafka.common.security.scram.internals.ScramMechanism.forMechanismName(
                mechanism.mechanismName());
    }
}
