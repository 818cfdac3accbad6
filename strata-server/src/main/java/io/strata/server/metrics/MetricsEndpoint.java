package io.strata.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.zip.GZIPOutputStream;

/**
 * {@code GET /metrics}: the registry in the format the scraper asks for in {@code Accept} (OpenMetrics text when it
 * lists {@code application/openmetrics-text}, else Prometheus text 0.0.4; the protobuf format is not offered),
 * gzip-compressed when {@code Accept-Encoding} allows it, as Prometheus asks.
 *
 * <p>At most {@value #CONCURRENT_SCRAPES} scrapes run at once; more get 503 at once, so that a flood of scrapes
 * cannot multiply the (bounded) work of a scrape. Other methods get 405. Thread-safe.
 */
public final class MetricsEndpoint implements HttpHandler {

    static final int CONCURRENT_SCRAPES = 2;

    private final PrometheusRegistry registry;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final Semaphore scrapes = new Semaphore(CONCURRENT_SCRAPES);

    public MetricsEndpoint(PrometheusRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            text(exchange, 405, "Method not allowed: " + method + "\n");
            return;
        }
        if (!scrapes.tryAcquire()) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            text(exchange, 503, "Too many concurrent scrapes\n");
            return;
        }
        try {
            String accept = exchange.getRequestHeaders().getFirst("Accept");
            ExpositionFormatWriter writer = writer(accept);
            MetricSnapshots snapshots = registry.scrape();
            exchange.getResponseHeaders().set("Content-Type", writer.getContentType());
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            String encoding = exchange.getRequestHeaders().getFirst("Accept-Encoding");
            boolean gzip = encoding != null && encoding.contains("gzip");
            if (gzip) {
                exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            }
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = gzip ? new GZIPOutputStream(exchange.getResponseBody(), 64 * 1024)
                    : exchange.getResponseBody()) {
                writer.write(out, snapshots, EscapingScheme.fromAcceptHeader(accept));
            }
        } finally {
            scrapes.release();
        }
    }

    /** The writer {@code accept} asks for; Prometheus text when it asks for none we have. */
    ExpositionFormatWriter writer(String accept) {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        return writer.isAvailable() ? writer : formats.getPrometheusTextFormatWriter();
    }

    private static void text(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
