package io.strata.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.strata.server.config.Endpoint;
import io.strata.server.http.HttpService;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpService http;

    private URI start() throws Exception {
        Counter.builder().name("strata_test_things").help("Things.").register(registry).inc(3);
        http = HttpService.bind("http.listeners", List.of(new Endpoint("HTTP", "127.0.0.1", 0)));
        http.route("/metrics", new MetricsEndpoint(registry)).start();
        return URI.create("http://127.0.0.1:" + http.listeners().get(0).address().getPort() + "/metrics");
    }

    @AfterEach
    void stop() {
        if (http != null) {
            http.close();
        }
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void prometheusTextByDefaultAndOpenMetricsWhenAccepted() throws Exception {
        URI uri = start();
        HttpResponse<byte[]> text = send(HttpRequest.newBuilder(uri));
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(new String(text.body(), StandardCharsets.UTF_8)).contains("strata_test_things_total 3.0");

        HttpResponse<byte[]> open = send(HttpRequest.newBuilder(uri)
                .header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8"));
        assertThat(open.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/openmetrics-text");
        assertThat(new String(open.body(), StandardCharsets.UTF_8)).contains("strata_test_things_total 3.0")
                .endsWith("# EOF\n");
    }

    @Test
    void gzipWhenAcceptedHeadWithoutBodyAndOtherMethodsRefused() throws Exception {
        URI uri = start();
        HttpResponse<byte[]> gzip = send(HttpRequest.newBuilder(uri).header("Accept-Encoding", "gzip"));
        assertThat(gzip.headers().firstValue("Content-Encoding")).hasValue("gzip");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip.body()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("strata_test_things_total");
        }
        HttpResponse<byte[]> head = send(HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        HttpResponse<byte[]> delete = send(HttpRequest.newBuilder(uri).DELETE());
        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(delete.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void scrapesBeyondTheConcurrencyLimitGet503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        registry.register((io.prometheus.metrics.model.registry.MultiCollector) () -> {
            inside.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return MetricSnapshots.of();
        });
        URI uri = start();
        List<CompletableFuture<HttpResponse<byte[]>>> blocked = List.of(
                client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray()),
                client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray()));
        await().atMost(Duration.ofSeconds(10)).until(() -> inside.get() == MetricsEndpoint.CONCURRENT_SCRAPES);
        HttpResponse<byte[]> refused = send(HttpRequest.newBuilder(uri));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        release.countDown();
        for (CompletableFuture<HttpResponse<byte[]>> f : blocked) {
            assertThat(f.get().statusCode()).isEqualTo(200);
        }
    }
}
