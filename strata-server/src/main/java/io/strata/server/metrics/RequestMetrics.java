package io.strata.server.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * Kafka's {@code kafka.network:type=RequestMetrics} per API: requests, errors by code, and latency histograms in
 * milliseconds of the total time (request parsed to the response's last byte written) and the local time (the
 * handler, long polls and {@code acks=all} waits included). Named as the Prometheus JMX exporter's Kafka rules name
 * them ({@code kafka_network_requestmetrics_requests_total{request="Produce"}}), except that the times are real
 * histograms ({@code _bucket}, {@code _sum}, {@code _count}) rather than precomputed quantiles.
 *
 * <p>Thread-safe and lock-free: an API's data points are looked up on its first request and kept in arrays by API,
 * so a request costs an increment and two histogram observations. Only APIs that were called have series.
 */
public final class RequestMetrics {

    /** Upper bounds in ms: sub-millisecond local produces up to long polls and request timeouts. */
    private static final double[] BOUNDS_MS = {0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000,
            10_000, 30_000};

    private final Counter requestCounter;
    private final Counter errors;
    private final Histogram total;
    private final Histogram local;
    private final AtomicReferenceArray<CounterDataPoint> requests = new AtomicReferenceArray<>(ApiKeys.values().length);
    private final AtomicReferenceArray<DistributionDataPoint> totalTime =
            new AtomicReferenceArray<>(ApiKeys.values().length);
    private final AtomicReferenceArray<DistributionDataPoint> localTime =
            new AtomicReferenceArray<>(ApiKeys.values().length);

    private final boolean recording;

    /** Metrics that record every request, registered in {@code registry}. */
    public RequestMetrics(PrometheusRegistry registry) {
        this(registry, true);
    }

    /**
     * @param recording false for a node that exposes no metrics (no HTTP listener): the request path then records
     *                  nothing, and the families stay empty
     */
    public RequestMetrics(PrometheusRegistry registry, boolean recording) {
        this.recording = recording;
        requestCounter = Counter.builder().name("kafka_network_requestmetrics_requests")
                .help("Requests handled, per API (RequestsPerSec).").labelNames("request").register(registry);
        errors = Counter.builder().name("kafka_network_requestmetrics_errors")
                .help("Errors in responses, per API and error code (ErrorsPerSec); NONE is not counted.")
                .labelNames("request", "error").register(registry);
        total = histogram("kafka_network_requestmetrics_totaltimems",
                "Time from a request's arrival to its response's last byte written, in ms (TotalTimeMs).")
                .register(registry);
        local = histogram("kafka_network_requestmetrics_localtimems",
                "Time in the request's handler, waits for replication and long polls included, in ms (LocalTimeMs).")
                .register(registry);
    }

    /** The data point of {@code api}, created on first use (labelValues returns the same point every time). */
    private static <T> T point(AtomicReferenceArray<T> points, ApiKeys api, Function<String, T> create) {
        T point = points.get(api.ordinal());
        if (point == null) {
            point = create.apply(api.name);
            points.set(api.ordinal(), point);
        }
        return point;
    }

    private static Histogram.Builder histogram(String name, String help) {
        return Histogram.builder().name(name).help(help).labelNames("request").classicOnly()
                .classicUpperBounds(BOUNDS_MS).withoutExemplars();
    }

    /** Whether requests are recorded at all (callers skip work that only feeds the metrics when not). */
    public boolean recording() {
        return recording;
    }

    /** Records a request whose handler ran for {@code localNanos}. */
    public void recordLocal(ApiKeys api, long localNanos) {
        if (!recording) {
            return;
        }
        point(requests, api, requestCounter::labelValues).inc();
        point(localTime, api, local::labelValues).observe(localNanos / 1e6);
    }

    /** Records the total time of a request, once its response is written (or dropped, for acks=0). */
    public void recordTotal(ApiKeys api, long totalNanos) {
        if (!recording) {
            return;
        }
        point(totalTime, api, total::labelValues).observe(totalNanos / 1e6);
    }

    /** Counts {@code count} occurrences of {@code error} in a response to {@code api}. */
    public void recordErrors(ApiKeys api, Errors error, int count) {
        if (recording && error != Errors.NONE && count > 0) {
            errors.labelValues(api.name, error.name()).inc(count);
        }
    }
}
