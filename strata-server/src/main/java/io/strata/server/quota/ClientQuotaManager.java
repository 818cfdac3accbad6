package io.strata.server.quota;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.metadata.ClientQuotaEntity;
import io.strata.metadata.MetadataImage;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Time;

/**
 * Measures clients against their quotas (from the metadata image, so the same on every node) and says how long to
 * throttle them, as Kafka's client quota managers: one rate per quota type and measured entity (see
 * {@link QuotaResolver} for which user and client id share a rate), over {@code quota.window.num} windows of
 * {@code quota.window.size.seconds}; controller mutations in a token bucket over the {@code controller.quota.*}
 * windows. Clients without a quota of a type are not measured for it. Throttle time is counted per type, user and
 * client id as {@code kafka_server_<type>_throttle_time_ms_total} (Kafka's {@code throttle-time} sensors).
 *
 * <p>A quota that changes keeps the rate measured so far: only the bound moves. Rates of entities that lose their
 * quota stay in memory until the node restarts (one small object per user and client id that ever had one).
 *
 * <p>Thread-safe; every method is non-blocking.
 */
public final class ClientQuotaManager {

    /** Kafka's request quota throttles a client for at most one window. */
    private final long maxRequestThrottleMs;
    private final Supplier<MetadataImage> image;
    private final Windows windows;
    private final Time time;
    private final Map<SensorKey, SampledRate> rates = new ConcurrentHashMap<>();
    private final Map<SensorKey, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final Map<QuotaType, Counter> throttleTime = new EnumMap<>(QuotaType.class);
    private volatile Resolutions resolutions = new Resolutions(Map.of());

    /**
     * The windows of the rates.
     *
     * @param samples            {@code quota.window.num}
     * @param windowMs           {@code quota.window.size.seconds} in ms
     * @param controllerSamples  {@code controller.quota.window.num}
     * @param controllerWindowMs {@code controller.quota.window.size.seconds} in ms
     */
    public record Windows(int samples, long windowMs, int controllerSamples, long controllerWindowMs) {
        /** Kafka's defaults: 11 windows of one second. */
        public static final Windows DEFAULTS = new Windows(11, 1000, 11, 1000);
    }

    public ClientQuotaManager(Supplier<MetadataImage> image, Windows windows, Time time, PrometheusRegistry registry) {
        this.image = image;
        this.windows = windows;
        this.time = time;
        this.maxRequestThrottleMs = windows.windowMs();
        for (QuotaType type : QuotaType.values()) {
            throttleTime.put(type, Counter.builder().name("kafka_server_" + type.metricPrefix() + "_throttle_time_ms")
                    .help("Time clients were throttled for exceeding their " + type.key() + " quota, in ms, per "
                            + "user and client id as the quota measures them (an empty label: shared).")
                    .labelNames("user", "client_id").register(registry));
        }
    }

    /** Whether any client quota exists: the request path's fast exit. */
    public boolean anyQuotas() {
        return !image.get().clientQuotas().isEmpty();
    }

    /** The quota of {@code type} that applies to {@code user} and {@code clientId}, if any. */
    public Optional<QuotaResolver.Match> quota(QuotaType type, String user, String clientId) {
        Map<ClientQuotaEntity, Map<String, Double>> quotas = image.get().clientQuotas();
        Resolutions current = resolutions;
        if (current.quotas != quotas) {
            current = new Resolutions(quotas);
            resolutions = current;
        }
        Resolutions cache = current;
        return cache.byClient.computeIfAbsent(new Who(type, user, clientId),
                who -> QuotaResolver.resolve(cache.quotas, type, user, clientId));
    }

    /**
     * Records {@code value} against the client's {@code type} quota (PRODUCE, FETCH, REQUEST) and returns how long
     * to throttle it, zero when it has no quota or is within it.
     */
    public long recordAndGetThrottleTimeMs(QuotaType type, String user, String clientId, double value) {
        Optional<QuotaResolver.Match> match = quota(type, user, clientId);
        if (match.isEmpty()) {
            return 0;
        }
        long now = time.milliseconds();
        SampledRate rate = rate(type, match.get(), now);
        rate.record(value, now);
        long throttleMs = rate.throttleTimeMs(match.get().bound(), now);
        if (type == QuotaType.REQUEST) {
            throttleMs = Math.min(throttleMs, maxRequestThrottleMs);
        }
        recordThrottle(type, match.get(), throttleMs);
        return throttleMs;
    }

    /**
     * The most the client may use of {@code type} over the span a rate is measured on (Kafka's
     * {@code getMaxValueInQuotaWindow}), if it has such a quota.
     */
    public Optional<Double> maxValueInQuotaWindow(QuotaType type, String user, String clientId) {
        return quota(type, user, clientId).map(m -> m.bound() * (windows.samples() - 1) * windows.windowMs() / 1000.0);
    }

    /** Takes back a recorded value (a fetch answered empty because the client is throttled, as Kafka does). */
    public void unrecord(QuotaType type, String user, String clientId, double value) {
        quota(type, user, clientId).ifPresent(match -> {
            long now = time.milliseconds();
            rate(type, match, now).record(-value, now);
        });
    }

    /**
     * How long until the client's controller mutation quota is no longer exhausted (strict requests are refused
     * until then), zero when it is not; unlike {@link #mutationThrottleTimeMs}, not counted as throttle time.
     */
    public long mutationOverrunMs(String user, String clientId) {
        return quota(QuotaType.CONTROLLER_MUTATION, user, clientId)
                .map(m -> bucket(m).throttleTimeMs(m.bound(), time.milliseconds())).orElse(0L);
    }

    /** Counts {@code partitions} created or deleted by the client. */
    public void recordMutations(String user, String clientId, int partitions) {
        quota(QuotaType.CONTROLLER_MUTATION, user, clientId)
                .ifPresent(m -> bucket(m).record(partitions, m.bound(), time.milliseconds()));
    }

    /**
     * How long to throttle the client for its controller mutations, zero when within its quota; counted in the
     * throttle time metric.
     */
    public long mutationThrottleTimeMs(String user, String clientId) {
        Optional<QuotaResolver.Match> match = quota(QuotaType.CONTROLLER_MUTATION, user, clientId);
        if (match.isEmpty()) {
            return 0;
        }
        long throttleMs = bucket(match.get()).throttleTimeMs(match.get().bound(), time.milliseconds());
        recordThrottle(QuotaType.CONTROLLER_MUTATION, match.get(), throttleMs);
        return throttleMs;
    }

    private SampledRate rate(QuotaType type, QuotaResolver.Match match, long now) {
        return rates.computeIfAbsent(new SensorKey(type, match.userTag(), match.clientTag()),
                k -> new SampledRate(windows.samples(), windows.windowMs(), now));
    }

    private TokenBucket bucket(QuotaResolver.Match match) {
        return buckets.computeIfAbsent(new SensorKey(QuotaType.CONTROLLER_MUTATION, match.userTag(),
                match.clientTag()), k -> new TokenBucket(windows.controllerSamples(), windows.controllerWindowMs(),
                time.milliseconds()));
    }

    private void recordThrottle(QuotaType type, QuotaResolver.Match match, long throttleMs) {
        if (throttleMs > 0) {
            throttleTime.get(type).labelValues(match.userTag(), match.clientTag()).inc(throttleMs);
        }
    }

    private record SensorKey(QuotaType type, String userTag, String clientTag) {
    }

    private record Who(QuotaType type, String user, String clientId) {
    }

    /** Resolved quotas of one version of the image's quotas: rebuilt when they change. */
    private record Resolutions(Map<ClientQuotaEntity, Map<String, Double>> quotas,
                               Map<Who, Optional<QuotaResolver.Match>> byClient) {
        Resolutions(Map<ClientQuotaEntity, Map<String, Double>> quotas) {
            this(quotas, new ConcurrentHashMap<>());
        }
    }
}
