package io.strata.it;

import static io.strata.it.SecuredNode.ADMIN_JAAS;
import static io.strata.it.SecuredNode.REAUTH_MS;
import static io.strata.it.SecuredNode.jaas;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.strata.server.security.ScramClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLSocket;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SASL/SCRAM-SHA-512 on {@link SecuredNode}'s SASL_SSL listener: SCRAM credentials managed through the Admin API,
 * a wrong password refused while others are still served, requests before authentication and oversized tokens
 * disconnected, sessions that end unless re-authenticated within their lifetime (KIP-368), and SaslHandshake v0
 * followed by bare tokens.
 */
class SecuritySaslIT {

    private static SecuredNode node;

    @BeforeAll
    static void shareTheNode() throws Exception {
        node = SecuredNode.shared();
    }

    @Test
    void scramCredentialsAreManagedThroughTheAdminApi() throws Exception {
        try (Admin admin = Admin.create(node.saslSslClient(ADMIN_JAAS))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("bob",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), "bob-secret"))).all().get();
            Map<String, UserScramCredentialsDescription> described = admin.describeUserScramCredentials().all().get();
            assertThat(described).containsKeys("admin", "bob");
            assertThat(described.get("bob").credentialInfos()).containsExactly(
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192));
            try (Admin bob = Admin.create(node.saslSslClient(jaas("bob", "bob-secret")))) {
                assertThat(bob.describeCluster().nodes().get()).hasSize(1);
            }
            admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion("bob",
                    ScramMechanism.SCRAM_SHA_512))).all().get();
            try (Admin bob = Admin.create(node.saslSslClient(jaas("bob", "bob-secret")))) {
                assertThatThrownBy(() -> bob.describeCluster().nodes().get())
                        .isInstanceOf(ExecutionException.class).cause()
                        .isInstanceOf(SaslAuthenticationException.class);
            }
        }
    }

    @Test
    void aWrongPasswordIsRefusedAndOthersAreStillServed() throws Exception {
        try (Admin wrong = Admin.create(node.saslSslClient(jaas("admin", "not-the-password")))) {
            assertThatThrownBy(() -> wrong.describeCluster().nodes().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SaslAuthenticationException.class);
        }
        node.assertServesEveryListener();
    }

    @Test
    void requestsBeforeSaslAuthenticationAreDisconnected() throws Exception {
        try (SSLSocket socket = TlsSockets.tls(node.saslSsl(), node.certs().trustStore())) {
            new RawClient(socket).send(new MetadataRequest.Builder(new MetadataRequestData().setTopics(null))
                    .build((short) 12));
            assertThat(TlsSockets.closedByServer(socket.getInputStream())).isTrue();
        }
        try (SSLSocket socket = TlsSockets.tls(node.saslSsl(), node.certs().trustStore())) {
            // A SASL token larger than sasl.server.max.receive.size (512 KiB) is not even read.
            new RawClient(socket).sendFrame(1 << 20, new byte[0]);
            assertThat(TlsSockets.closedByServer(socket.getInputStream())).isTrue();
        }
        node.assertServesEveryListener();
    }

    @Test
    void aSessionEndsUnlessReauthenticatedWithinItsLifetime() throws Exception {
        try (SSLSocket socket = TlsSockets.tls(node.saslSsl(), node.certs().trustStore())) {
            RawSasl raw = new RawSasl(socket);
            assertThat(raw.scramLogin("admin", "admin-secret").sessionLifetimeMs()).isEqualTo(REAUTH_MS);
            assertThat(raw.metadataAnswered()).isTrue();
            // A re-authentication on the same connection starts a new session.
            assertThat(raw.scramLogin("admin", "admin-secret").errorCode()).isZero();
            long reauthenticated = System.nanoTime();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !raw.metadataAnswered());
            assertThat(Duration.ofNanos(System.nanoTime() - reauthenticated)).isGreaterThanOrEqualTo(
                    Duration.ofMillis(REAUTH_MS));
        }
        try (SSLSocket socket = TlsSockets.tls(node.saslSsl(), node.certs().trustStore())) {
            RawSasl raw = new RawSasl(socket);
            raw.scramLogin("admin", "admin-secret");
            // Re-authenticating as someone else is refused, and closes the connection.
            try (Admin admin = Admin.create(node.saslSslClient(ADMIN_JAAS))) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("carol",
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "carol-secret"))).all().get();
            }
            assertThat(raw.scramLogin("carol", "carol-secret").errorCode()).isEqualTo(
                    Errors.SASL_AUTHENTICATION_FAILED.code());
            assertThat(TlsSockets.closedByServer(socket.getInputStream())).isTrue();
        }
    }

    @Test
    void saslHandshakeV0IsFollowedByBareTokens() throws Exception {
        try (SSLSocket socket = TlsSockets.tls(node.saslSsl(), node.certs().trustStore())) {
            RawSasl raw = new RawSasl(socket);
            SaslHandshakeResponse handshake = raw.send(new SaslHandshakeRequest.Builder(
                    new SaslHandshakeRequestData().setMechanism("SCRAM-SHA-512")).build((short) 0));
            assertThat(handshake.error()).isEqualTo(Errors.NONE);
            ScramClient scram = new ScramClient(io.strata.server.security.ScramMechanism.SCRAM_SHA_512, "admin",
                    "admin-secret");
            byte[] serverFirst = raw.bare(scram.clientFirst());
            scram.verifyServerFinal(raw.bare(scram.clientFinal(serverFirst)));
            assertThat(raw.metadataAnswered()).isTrue();
        }
        try (SSLSocket socket = TlsSockets.tls(node.saslSsl(), node.certs().trustStore())) {
            RawSasl raw = new RawSasl(socket);
            raw.send(new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData().setMechanism("SCRAM-SHA-512"))
                    .build((short) 0));
            raw.sendBare("n,,n=nobody,r=abc".getBytes(StandardCharsets.UTF_8));
            assertThat(TlsSockets.closedByServer(socket.getInputStream())).isTrue();
        }
    }
}
