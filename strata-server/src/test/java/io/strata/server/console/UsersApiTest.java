package io.strata.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.junit.jupiter.api.Test;

class UsersApiTest {

    private final FakeSecurityCalls cluster = new FakeSecurityCalls();
    private final UsersApi api = new UsersApi(cluster);

    @Test
    void listsUsersWithMechanismsAndIterationsOnly() {
        cluster.users.put("carol", List.of(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096)));
        cluster.users.put("alice", List.of(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096)));
        cluster.users.put("bob", List.of(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096)));

        Map<String, Object> page = api.list(Optional.empty(), new Paging(0, 2));
        assertThat(page).containsEntry("total", 3);
        assertThat(page.get("users")).asString().contains("alice").contains("bob").doesNotContain("carol");
        Map<String, Object> carol = api.list(Optional.of("CAR"), new Paging(0, 50));
        assertThat(carol.get("users")).isEqualTo(List.of(Map.of("name", "carol", "credentials", List.of(
                Map.of("mechanism", "SCRAM-SHA-256", "iterations", 4096),
                Map.of("mechanism", "SCRAM-SHA-512", "iterations", 8192)))));
    }

    @Test
    void upsertSendsThePasswordToTheClusterAndNeverAnswersIt() {
        Map<String, Object> answer = api.upsert("dave", ScramMechanism.SCRAM_SHA_512, 4096, "dave-secret");
        assertThat(answer).containsOnlyKeys("user", "mechanism", "iterations", "updated");
        assertThat(answer.toString()).doesNotContain("dave-secret");
        assertThat(cluster.users.get("dave")).containsExactly(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512,
                4096));
        assertThatThrownBy(() -> api.upsert("dave", ScramMechanism.SCRAM_SHA_512, 1_000_000, "x"))
                .isInstanceOfSatisfying(ConsoleExchange.Refusal.class, r -> assertThat(r.status).isEqualTo(400));
        assertThat(cluster.userRequests).hasSize(1);
    }

    @Test
    void deleteRemovesEveryMechanismOnePerRequest() {
        api.upsert("erin", ScramMechanism.SCRAM_SHA_512, 4096, "a");
        api.upsert("erin", ScramMechanism.SCRAM_SHA_256, 4096, "b");
        cluster.userRequests.clear();

        assertThat(api.delete("erin")).containsEntry("deleted", List.of("SCRAM-SHA-256", "SCRAM-SHA-512"));
        assertThat(cluster.users).doesNotContainKey("erin");
        assertThat(cluster.userRequests).hasSize(2).allSatisfy(r -> assertThat(r).singleElement()
                .isInstanceOf(UserScramCredentialDeletion.class));
        assertThatThrownBy(() -> api.delete("erin")).isInstanceOfSatisfying(ConsoleExchange.Refusal.class,
                r -> assertThat(r.status).isEqualTo(404));
    }

    @Test
    void mechanismsByKafkasNames() {
        assertThat(UsersApi.mechanism("scram-sha-256")).isEqualTo(ScramMechanism.SCRAM_SHA_256);
        assertThat(UsersApi.mechanism("SCRAM-SHA-512")).isEqualTo(ScramMechanism.SCRAM_SHA_512);
        assertThatThrownBy(() -> UsersApi.mechanism("PLAIN")).isInstanceOf(ConsoleExchange.Refusal.class);
    }
}
