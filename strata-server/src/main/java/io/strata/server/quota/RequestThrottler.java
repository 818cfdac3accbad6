package io.strata.server.quota;

import io.strata.metadata.MetadataImage;
import io.strata.server.api.RequestContext;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.ThrottlingQuotaExceededException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ProduceRequest;

/**
 * Applies client quotas to each handled request in one place, the request path, as Kafka's request handler does:
 * produce request bytes are recorded after the append, fetch response bytes before the response is sent (a throttled
 * consumer gets an empty response instead, and its bytes are taken back, so it reads them once it is allowed to),
 * request handling time against {@code request_percentage}, and controller mutations of CreateTopics, DeleteTopics
 * and CreatePartitions (see {@link #admit}). The longest throttle time is put into the response's {@code throttle_time_ms}
 * and returned so that the connection is muted (not read) for that long (KIP-219): newer clients back off by
 * themselves, and a client that ignores the field is held back all the same.
 *
 * <p>Not measured, as in Kafka: followers' fetches, inter-broker and controller APIs, ApiVersions and the SASL
 * exchange. Request time is the handler's wall-clock time (the JDK has no CPU time for virtual threads); Fetch is left
 * out of the request quota, since its handler time is mostly long-poll waiting, which Kafka does not count.
 *
 * <p>Thread-safe.
 */
public final class RequestThrottler {

    private static final Set<ApiKeys> NOT_THROTTLED = Set.of(ApiKeys.API_VERSIONS, ApiKeys.SASL_HANDSHAKE,
            ApiKeys.SASL_AUTHENTICATE);
    private static final Set<ApiKeys> MUTATIONS = Set.of(ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS,
            ApiKeys.CREATE_PARTITIONS);
    private static final double NANOS_TO_PERCENT_SECONDS = 100.0 / 1e9;

    private final ClientQuotaManager quotas;
    private final Supplier<MetadataImage> image;
    private final int defaultPartitions;

    /**
     * @param image             the metadata image, for the partition counts of topics being deleted or grown
     * @param defaultPartitions {@code num.partitions}, what a new topic asking for -1 partitions gets
     */
    public RequestThrottler(ClientQuotaManager quotas, Supplier<MetadataImage> image, int defaultPartitions) {
        this.quotas = quotas;
        this.image = image;
        this.defaultPartitions = defaultPartitions;
    }

    /**
     * Applied before the handler runs. A consumer's fetch is capped to what its quota allows over the measured span
     * ({@code consumer_byte_rate * (quota.window.num - 1) * quota.window.size.seconds}). The controller mutation
     * quota (KIP-599): a CreateTopics (v6+), DeleteTopics
     * (v5+) or CreatePartitions (v3+) request from a client whose quota is exhausted is refused with
     * THROTTLING_QUOTA_EXCEEDED for every topic (older versions are accepted and throttled afterwards, as Kafka
     * does); otherwise the partitions it creates or deletes are counted, which may take the client over its quota
     * (the burst Kafka allows to the last accepted request).
     *
     * @return the error response to send instead of handling the request
     */
    public Optional<ApiMessage> admit(RequestContext context, AbstractRequest request) {
        ApiKeys key = context.header().apiKey();
        boolean fetch = request instanceof FetchRequest f && f.replicaId() < 0;
        if (!MUTATIONS.contains(key) && !fetch || !quotas.anyQuotas()) {
            return Optional.empty();
        }
        String user = context.principal().name();
        String clientId = clientId(context);
        if (fetch) {
            // As Kafka: a consumer never gets more in one response than its quota allows over the measured span,
            // else a response too large for its quota would be refused (emptied) on every try.
            quotas.maxValueInQuotaWindow(QuotaType.FETCH, user, clientId).ifPresent(max -> {
                FetchRequestData data = ((FetchRequest) request).data();
                data.setMaxBytes((int) Math.max(1, Math.min(data.maxBytes(), max)));
            });
            return Optional.empty();
        }
        short version = context.apiVersion();
        boolean strict = key == ApiKeys.CREATE_TOPICS && version >= 6 || key == ApiKeys.DELETE_TOPICS && version >= 5
                || key == ApiKeys.CREATE_PARTITIONS && version >= 3;
        long throttleMs = strict ? quotas.mutationOverrunMs(user, clientId) : 0;
        if (throttleMs > 0) {
            // The response's throttle time is set (and counted) by apply, as for any throttled request.
            return Optional.of(request.getErrorResponse((int) Math.min(Integer.MAX_VALUE, throttleMs),
                    new ThrottlingQuotaExceededException((int) throttleMs, "The throttling quota has been exceeded."))
                    .data());
        }
        int partitions = mutations(request);
        if (partitions > 0) {
            quotas.recordMutations(user, clientId, partitions);
        }
        return Optional.empty();
    }

    /** The partitions a topic request creates or deletes (none for validate-only). */
    private int mutations(AbstractRequest request) {
        MetadataImage current = image.get();
        return switch (request) {
            case CreateTopicsRequest create -> create.data().validateOnly() ? 0 : create.data().topics().stream()
                    .mapToInt(t -> !t.assignments().isEmpty() ? t.assignments().size()
                            : t.numPartitions() == -1 ? defaultPartitions : Math.max(0, t.numPartitions())).sum();
            case DeleteTopicsRequest delete -> delete.topics().stream()
                    .map(t -> t.name() != null ? current.topic(t.name()) : current.topic(t.topicId()))
                    .mapToInt(t -> t.map(topic -> topic.partitions().size()).orElse(0)).sum();
            case CreatePartitionsRequest grow -> grow.data().validateOnly() ? 0 : grow.data().topics().stream()
                    .mapToInt(t -> Math.max(0, t.count() - current.topic(t.name())
                            .map(topic -> topic.partitions().size()).orElse(t.count()))).sum();
            default -> 0;
        };
    }

    private static String clientId(RequestContext context) {
        return context.header().clientId() == null ? "" : context.header().clientId();
    }

    /** What to send: the response (an emptied fetch when throttled) and how long to mute the connection. */
    public record Throttled(ApiMessage response, long throttleMs) {
    }

    /**
     * Records the request against the client's quotas and throttles the response if it exceeds any.
     *
     * @param requestBytes  the request's size on the wire
     * @param handlerNanos  how long its handler ran
     * @param responseBytes the response's size on the wire, as its send computed it (what a consumer's fetch is
     *                      measured by; not read for other requests)
     */
    public Throttled apply(RequestContext context, AbstractRequest request, int requestBytes, long handlerNanos,
                           ApiMessage response, int responseBytes) {
        ApiKeys key = context.header().apiKey();
        if (NOT_THROTTLED.contains(key) || key.clusterAction || !quotas.anyQuotas()) {
            return new Throttled(response, 0);
        }
        String user = context.principal().name();
        String clientId = clientId(context);
        short version = context.apiVersion();
        long throttleMs = 0;
        if (request instanceof FetchRequest fetch) {
            if (fetch.replicaId() >= 0) {
                return new Throttled(response, 0); // a follower: replication is not a client
            }
            throttleMs = quotas.recordAndGetThrottleTimeMs(QuotaType.FETCH, user, clientId, responseBytes);
            if (throttleMs > 0) {
                quotas.unrecord(QuotaType.FETCH, user, clientId, responseBytes);
                FetchResponseData full = (FetchResponseData) response;
                response = new FetchResponseData().setErrorCode(Errors.NONE.code()).setSessionId(full.sessionId());
            }
        } else {
            if (request instanceof ProduceRequest) {
                throttleMs = quotas.recordAndGetThrottleTimeMs(QuotaType.PRODUCE, user, clientId, requestBytes);
            }
            throttleMs = Math.max(throttleMs, quotas.recordAndGetThrottleTimeMs(QuotaType.REQUEST, user, clientId,
                    handlerNanos * NANOS_TO_PERCENT_SECONDS));
            if (MUTATIONS.contains(key)) {
                throttleMs = Math.max(throttleMs, quotas.mutationThrottleTimeMs(user, clientId));
            }
        }
        if (throttleMs > 0) {
            ThrottleField.raise(response, version, (int) Math.min(Integer.MAX_VALUE, throttleMs));
        }
        return new Throttled(response, throttleMs);
    }
}
