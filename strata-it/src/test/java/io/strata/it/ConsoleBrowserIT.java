package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The web console in real headless Chromium against a real node: create a topic through the form (with its
 * confirmation step), produce with a real KafkaProducer, read the messages (hostile ones shown as text, never run),
 * watch a group's lag rise and fall, delete the topic. Screenshots go to {@code target/console-screenshots/}.
 * Also the API's guards against other origins, checked with a plain HTTP client, and the ACLs page of a cluster
 * without an authorizer.
 */
class ConsoleBrowserIT {

    private static final String TOPIC = "browser-orders";
    private static final String GROUP = "browser-billing";
    private static final String HOSTILE = "<img src=x onerror=\"document.title='pwned'\">";

    @TempDir
    static Path dir;
    static TestNode node;
    static ConsoleBrowser browser;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dir.resolve("node"), Map.of("group.initial.rebalance.delay.ms", "0"));
        base = "http://127.0.0.1:" + node.server().httpListeners().get(0).address().getPort();
        browser = ConsoleBrowser.start(dir.resolve("chromium-profile"), base);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void createProduceBrowseLagAndDelete() throws Exception {
        browser.open("/");
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("overview-cards"), "brokers"));
        assertThat(browser.text("brokers")).contains("PLAINTEXT://127.0.0.1:" + node.port()).contains("running");
        browser.screenshot("overview");

        // Create the topic through the form: validated first, then confirmed.
        browser.open("/#/topics");
        browser.type("new-topic-name", TOPIC);
        browser.type("new-topic-partitions", "3");
        browser.type("new-topic-configs", "retention.ms=86400000");
        browser.click("create-topic");
        browser.confirm();
        browser.until(ExpectedConditions.textToBe(By.id("topic-name"), TOPIC));
        try (Admin admin = Clients.admin(node.bootstrap())) {
            assertThat(admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions()).hasSize(3);
        }
        browser.until(d -> browser.text("partitions-table").contains("0")
                && browser.text("configs-table").contains("86400000"));

        // Produce through Strata with a real producer: JSON values, a header, and hostile bytes.
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of())) {
            for (int i = 0; i < 20; i++) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPIC, 0, bytes("key-" + i),
                        bytes("{\"order\":" + i + ",\"item\":\"widget\"}"));
                record.headers().add("source", bytes("browser-it"));
                producer.send(record);
            }
            producer.send(new ProducerRecord<>(TOPIC, 0, bytes("<script>alert(1)</script>"), bytes(HOSTILE))).get();
        }

        browser.open("/#/messages?topic=" + TOPIC + "&partition=0&from=beginning&format=json&limit=50");
        browser.until(d -> d.findElements(By.cssSelector("#messages-table tr[data-offset]")).size() == 21);
        String messages = browser.text("messages-table");
        assertThat(messages).contains("key-7").contains("\"order\": 7").contains("browser-it").contains(HOSTILE)
                .contains("<script>alert(1)</script>");
        assertThat(browser.driver().findElements(By.cssSelector("#messages-table img, #messages-table script")))
                .isEmpty();
        assertThat(browser.driver().getTitle()).isEqualTo("Strata console");
        browser.screenshot("messages");

        // Live tail: new records appear without reloading.
        browser.driver().findElement(By.id("msg-tail")).click();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of())) {
            producer.send(new ProducerRecord<>(TOPIC, 0, bytes("tailed"), bytes("live"))).get();
        }
        browser.until(d -> browser.text("messages-table").contains("tailed"));

        // A group that keeps up, then falls behind, then catches up: the page shows its lag rise and fall.
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(),
                Map.of(ConsumerConfig.GROUP_ID_CONFIG, GROUP, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            consumer.subscribe(Set.of(TOPIC));
            assertThat(Clients.poll(consumer, 22)).hasSize(22);
            consumer.commitSync();
            browser.open("/#/group?id=" + GROUP);
            browser.until(ExpectedConditions.textToBe(By.id("group-total-lag"), "0"));
            assertThat(browser.text("members-table")).contains(TOPIC);

            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of())) {
                for (int i = 0; i < 30; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, i % 3, bytes("k" + i), bytes("v" + i)));
                }
                producer.flush();
            }
            browser.until(ExpectedConditions.textToBe(By.id("group-total-lag"), "30"));
            browser.screenshot("group-lag-risen");

            assertThat(Clients.poll(consumer, 30)).hasSize(30);
            consumer.commitSync();
            browser.until(ExpectedConditions.textToBe(By.id("group-total-lag"), "0"));
            browser.until(d -> d.findElements(By.cssSelector("#lag-chart polyline")).size() == 1);
            browser.screenshot("group-lag");
        }

        // Reset offsets: the dry run shows the plan; confirming commits it (the group is empty now).
        browser.type("reset-topic", TOPIC);
        browser.select("reset-strategy", "earliest");
        browser.click("reset-dry-run");
        browser.until(d -> browser.text("reset-preview").contains("Dry run"));
        browser.confirm();
        browser.until(ExpectedConditions.textToBe(By.id("group-total-lag"), "52"));

        // The overview's sparkline has the traffic of the steps above.
        browser.open("/#/overview");
        browser.until(d -> browser.text("overview-cards").contains("topics")
                && d.findElements(By.cssSelector("#throughput-chart polyline")).size() == 2);
        browser.screenshot("overview-traffic");

        // Delete: the confirmation asks for the topic's name.
        browser.open("/#/topic?name=" + TOPIC);
        browser.until(ExpectedConditions.textToBe(By.id("topic-name"), TOPIC));
        browser.click("delete-topic");
        browser.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-input")));
        assertThat(browser.driver().findElement(By.id("confirm-yes")).isEnabled()).isFalse();
        browser.type("confirm-input", TOPIC);
        browser.click("confirm-yes");
        browser.until(d -> d.getCurrentUrl().endsWith("#/topics"));
        browser.until(ExpectedConditions.presenceOfElementLocated(By.id("topics-table")));
        assertThat(browser.text("topics-table")).doesNotContain(TOPIC);
        try (Admin admin = Clients.admin(node.bootstrap())) {
            assertThat(admin.listTopics().names().get()).doesNotContain(TOPIC);
        }
    }

    @Test
    void aclsPageSaysWhenTheClusterHasNoAuthorizer() {
        browser.open("/#/acls");
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("acls-disabled"),
                "SECURITY_DISABLED"));
        assertThat(browser.text("acls-disabled")).contains("No Authorizer is configured.");
        assertThat(browser.driver().findElements(By.id("acl-form"))).isEmpty();
    }

    @Test
    void changesNeedTheConsolesHeaderAndOrigin() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String form = "name=forged&partitions=1";
        HttpResponse<String> noHeader = http.send(post(form).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noHeader.statusCode()).isEqualTo(403);
        HttpResponse<String> foreign = http.send(post(form).header("X-Strata-Console", "1")
                .header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(foreign.statusCode()).isEqualTo(403);
        HttpResponse<String> byGet = http.send(HttpRequest.newBuilder(URI.create(base + "/api/console/topic?name=x"))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(byGet.statusCode()).isEqualTo(405);
        try (Admin admin = Clients.admin(node.bootstrap())) {
            assertThat(admin.listTopics().names().get()).doesNotContain("forged");
        }
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("default-src 'self'"));
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    private static HttpRequest.Builder post(String form) {
        return HttpRequest.newBuilder(URI.create(base + "/api/console/topics"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
