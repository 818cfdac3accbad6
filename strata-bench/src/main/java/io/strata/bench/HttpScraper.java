package io.strata.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loads a Strata node's HTTP listener as it is used in production while a benchmark runs: every interval it
 * scrapes {@code /metrics} (gzip-compressed, as Prometheus asks) and loads the console's overview page, so that
 * {@code bench compare --scrape-http} measures the broker with its metrics and console in use rather than merely
 * enabled.
 *
 * <p>Thread-safe; one daemon virtual thread, stopped by {@link #close}.
 */
final class HttpScraper implements AutoCloseable {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong scrapes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Thread thread;

    /** Starts scraping {@code http://host:port} every {@code interval}. */
    HttpScraper(String hostPort, Duration interval) {
        List<HttpRequest> requests = List.of(
                HttpRequest.newBuilder(URI.create("http://" + hostPort + "/metrics"))
                        .header("Accept-Encoding", "gzip").timeout(Duration.ofSeconds(10)).build(),
                HttpRequest.newBuilder(URI.create("http://" + hostPort + "/")).timeout(Duration.ofSeconds(10))
                        .build());
        thread = Thread.ofVirtual().name("bench-http-scraper").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                for (HttpRequest request : requests) {
                    try {
                        int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        (status == 200 ? scrapes : failures).incrementAndGet();
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** "N requests answered 200, M failed", for the report's notes. */
    String summary() {
        return scrapes.get() + " HTTP requests (/metrics and /) answered 200, " + failures.get() + " failed";
    }

    @Override
    public void close() {
        thread.interrupt();
        client.close();
    }
}
