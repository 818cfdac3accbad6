package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.server.StrataServer;
import io.strata.server.config.ServerConfig;
import io.strata.server.security.ScramBootstrap;
import io.strata.testkit.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The console's ACL and users pages in headless Chromium against a node with the authorizer on, a SCRAM listener
 * and Basic authentication on its HTTP listener. The console's own Kafka client is the first (PLAINTEXT) listener's
 * {@code User:ANONYMOUS}, a super user; the browser logs in as the SCRAM user {@code admin}. Through the forms: a
 * user is created and logs in from a real producer, an ACL lets it write and, deleted, stops it; its quota is set;
 * the user is deleted and can no longer log in. Screenshots go to {@code target/console-screenshots/}.
 */
class ConsoleSecurityBrowserIT {

    private static final String TOPIC = "secured-orders";
    private static final String USER = "carol";
    private static final String PASSWORD = "carol-secret-1";

    @TempDir
    static Path dir;
    static StrataServer server;
    static ConsoleBrowser browser;
    static String base;
    static String plaintext;
    static String scram;

    @BeforeAll
    static void start() throws Exception {
        int controller = Ports.free();
        Map<String, String> props = new HashMap<>();
        props.put("node.id", "1");
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:"
                + controller);
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        props.put("log.dirs", dir.resolve("logs").toString());
        props.put("listener.name.sasl_plaintext.sasl.enabled.mechanisms", "SCRAM-SHA-512");
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // The console's client (and this test's Admin) on the PLAINTEXT listener.
        props.put("super.users", "User:ANONYMOUS");
        props.put("http.listeners", "HTTP://127.0.0.1:0");
        props.put("http.authentication", "basic");
        server = StrataServer.start(ServerConfig.from(props), List.of(ScramBootstrap.parse(
                "SCRAM-SHA-512=[name=admin,password=admin-secret]")));
        plaintext = SecuredNode.address(server, "PLAINTEXT");
        scram = SecuredNode.address(server, "SASL_PLAINTEXT");
        int httpPort = server.httpListeners().get(0).address().getPort();
        base = "http://127.0.0.1:" + httpPort;
        browser = ConsoleBrowser.start(dir.resolve("chromium-profile"), base);
        // Credentials in the URL of one page put them in the browser's cache for the whole origin.
        browser.driver().get("http://admin:admin-secret@127.0.0.1:" + httpPort + "/console.css");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void userAndAclThroughTheFormsTakeEffectForARealClient() throws Exception {
        try (Admin admin = Clients.admin(plaintext)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }

        // A SCRAM user through the form: the password goes out once and is never shown again.
        browser.open("/#/users");
        browser.type("user-name", USER);
        browser.select("user-mechanism", "SCRAM-SHA-512");
        browser.type("user-password", PASSWORD);
        browser.click("user-set");
        browser.confirm();
        browser.until(d -> browser.text("users-table").contains(USER));
        assertThat(browser.text("users-table")).contains("SCRAM-SHA-512 (4096 iterations)");
        assertThat(browser.driver().findElement(By.id("user-password")).getAttribute("value")).isEmpty();
        assertThat(browser.driver().getPageSource()).doesNotContain(PASSWORD);

        // Logged in, but not yet allowed to write.
        assertThatThrownBy(() -> produce(USER, PASSWORD)).cause().isInstanceOf(TopicAuthorizationException.class);

        // An ACL through the form lets it write.
        browser.open("/#/acls");
        browser.select("acl-resource-type", "TOPIC");
        browser.type("acl-name", TOPIC);
        browser.type("acl-principal", "User:" + USER);
        browser.select("acl-operation", "WRITE");
        browser.click("acl-add");
        browser.confirm();
        String row = "TOPIC LITERAL " + TOPIC + " User:" + USER + " * WRITE ALLOW";
        By aclRow = By.cssSelector("#acls-table tr[data-acl='" + row + "']");
        browser.until(ExpectedConditions.presenceOfElementLocated(aclRow));
        browser.screenshot("acls");
        produce(USER, PASSWORD);

        // Deleted through the page, with its confirmation: the same client is refused again.
        browser.driver().findElement(aclRow).findElement(By.className("acl-delete")).click();
        browser.confirm();
        browser.until(ExpectedConditions.numberOfElementsToBe(aclRow, 0));
        try (Admin admin = Clients.admin(plaintext)) {
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get()).isEmpty();
        }
        assertThatThrownBy(() -> produce(USER, PASSWORD)).cause().isInstanceOf(TopicAuthorizationException.class);

        // The user's quota, validated then set.
        browser.open("/#/users");
        browser.type("quota-user", USER);
        browser.type("quota-set", "producer_byte_rate=1048576");
        browser.click("quota-change");
        browser.confirm();
        browser.until(d -> browser.text("quotas-table").contains("producer_byte_rate=1048576"));
        browser.screenshot("users");
        try (Admin admin = Clients.admin(plaintext)) {
            assertThat(admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get()).containsEntry(
                    new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, USER)),
                    Map.of("producer_byte_rate", 1048576.0));
        }

        // Deleting the user asks for its name; afterwards it cannot log in.
        WebElement delete = browser.driver().findElement(By.cssSelector("#users-table tr[data-user='" + USER
                + "'] .user-delete"));
        delete.click();
        browser.type("confirm-input", USER);
        browser.click("confirm-yes");
        browser.until(d -> !browser.text("users-table").contains(USER));
        assertThatThrownBy(() -> produce(USER, PASSWORD)).cause().isInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    void changesNeedTheConsolesHeaderAndPasswordsTheBody() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String auth = "Basic " + Base64.getEncoder().encodeToString("admin:admin-secret".getBytes(
                StandardCharsets.UTF_8));
        HttpRequest.Builder inUrl = HttpRequest.newBuilder(URI.create(base
                        + "/api/console/users?name=mallory&password=in-the-url"))
                .header("Authorization", auth).header("X-Strata-Console", "1")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.noBody());
        HttpResponse<String> refused = http.send(inUrl.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("request body only").doesNotContain("in-the-url");

        HttpResponse<String> noHeader = http.send(HttpRequest.newBuilder(URI.create(base + "/api/console/acls"))
                .header("Authorization", auth).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("resourceType=TOPIC&name=x&principal=User:m&operation=READ"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noHeader.statusCode()).isEqualTo(403);
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(base + "/api/console/users"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        try (Admin admin = Clients.admin(plaintext)) {
            assertThat(admin.describeUserScramCredentials().users().get()).doesNotContain("mallory");
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get()).noneMatch(b ->
                    b.entry().principal().equals("User:m"));
        }
    }

    /** Produces one record as {@code user} over the SCRAM listener; throws the send's ExecutionException. */
    private static void produce(String user, String password) throws ExecutionException, InterruptedException {
        Map<String, Object> config = Map.of(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, ScramMechanism.SCRAM_SHA_512.mechanismName(),
                SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"" + user + "\" password=\"" + password + "\";",
                // Not idempotent: without any WRITE the refusal is the topic's, not the cluster's (KIP-679).
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(scram, config)) {
            producer.send(new ProducerRecord<>(TOPIC, "v".getBytes(StandardCharsets.UTF_8))).get();
        }
    }
}
