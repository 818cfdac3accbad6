package io.strata.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * Kafka's {@code kafka.network:type=RequestMetrics} per API: requests, errors by code, and latency histograms in
 * milliseconds of the total time (request parsed to the response's last byte written) and the local time (the
 * handler, long polls and {@code acks=all} waits included). Named as the Prometheus JMX exporter's Kafka rules name
 * them ({@code kafka_network_requestmetrics_requests_total{request="Produce"}}), except that the times are real
 * histograms ({@code _bucket}, {@code _sum}, {@code _count}) rather than precomputed quantiles.
 *
 * <p>Thread-safe and lock-free: an API's {@link LatencyBuckets} are made on its first request and kept in an array
 * by API, so a request costs two bucket scans and four adder increments; the families are built from them only
 * when {@code /metrics} is scraped. The request count is the local time's count (every request is timed once
 * there). Only APIs that were called have series. Errors, rare, go to a labelled Prometheus counter.
 */
public final class RequestMetrics implements MultiCollector {

    /** Upper bounds in ms: sub-millisecond local produces up to long polls and request timeouts. */
    private static final double[] BOUNDS_MS = {0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000,
            10_000, 30_000};

    /** One API's times. */
    private record ApiTimes(Labels labels, LatencyBuckets local, LatencyBuckets total) {
        ApiTimes(ApiKeys api) {
            this(Labels.of("request", api.name), new LatencyBuckets(BOUNDS_MS), new LatencyBuckets(BOUNDS_MS));
        }
    }

    private final Counter errors;
    private final AtomicReferenceArray<ApiTimes> apis = new AtomicReferenceArray<>(ApiKeys.values().length);
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
        errors = Counter.builder().name("kafka_network_requestmetrics_errors")
                .help("Errors in responses, per API and error code (ErrorsPerSec); NONE is not counted.")
                .labelNames("request", "error").register(registry);
        registry.register(this);
    }

    /** The times of {@code api}, made on its first request (racing first requests agree on one). */
    private ApiTimes times(ApiKeys api) {
        ApiTimes t = apis.get(api.ordinal());
        if (t == null) {
            apis.compareAndSet(api.ordinal(), null, new ApiTimes(api));
            t = apis.get(api.ordinal());
        }
        return t;
    }

    /** Whether requests are recorded at all (callers skip work that only feeds the metrics when not). */
    public boolean recording() {
        return recording;
    }

    /** Records a request whose handler ran for {@code localNanos}. */
    public void recordLocal(ApiKeys api, long localNanos) {
        if (recording) {
            times(api).local().observe(localNanos);
        }
    }

    /** Records the total time of a request, once its response is written (or dropped, for acks=0). */
    public void recordTotal(ApiKeys api, long totalNanos) {
        if (recording) {
            times(api).total().observe(totalNanos);
        }
    }

    /** Counts {@code count} occurrences of {@code error} in a response to {@code api}. */
    public void recordErrors(ApiKeys api, Errors error, int count) {
        if (recording && error != Errors.NONE && count > 0) {
            errors.labelValues(api.name, error.name()).inc(count);
        }
    }

    @Override
    public MetricSnapshots collect() {
        CounterSnapshot.Builder requests = CounterSnapshot.builder().name("kafka_network_requestmetrics_requests")
                .help("Requests handled, per API (RequestsPerSec).");
        HistogramSnapshot.Builder total = HistogramSnapshot.builder().name("kafka_network_requestmetrics_totaltimems")
                .help("Time from a request's arrival to its response's last byte written, in ms (TotalTimeMs).");
        HistogramSnapshot.Builder local = HistogramSnapshot.builder().name("kafka_network_requestmetrics_localtimems")
                .help("Time in the request's handler, waits for replication and long polls included, in ms "
                        + "(LocalTimeMs).");
        for (int i = 0; i < apis.length(); i++) {
            ApiTimes t = apis.get(i);
            if (t != null) {
                requests.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(t.labels())
                        .value(t.local().count()).build());
                local.dataPoint(t.local().snapshot(t.labels()));
                total.dataPoint(t.total().snapshot(t.labels()));
            }
        }
        return MetricSnapshots.of(requests.build(), total.build(), local.build());
    }
}
