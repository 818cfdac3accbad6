package io.strata.server.api;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.server.metrics.RequestMetrics;
import io.strata.server.network.ConnectionInfo;
import io.strata.server.network.RequestChannel;
import io.strata.server.quota.RequestThrottler;
import io.strata.server.security.Authorizer;
import io.strata.server.security.RawSaslTokens;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.SendBuilder;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses request frames, checks them against the advertised versions, and routes them to the API handlers.
 *
 * <p>Malformed frames and requests for APIs or versions we do not advertise close the connection, as Kafka does;
 * ApiVersions is the exception, answered at v0 with UNSUPPORTED_VERSION and our ranges so that the client can
 * pick a version. On SASL listeners only ApiVersions, SaslHandshake and SaslAuthenticate are served before
 * authentication (anything else closes the connection), and a failed authentication is answered and then closed,
 * as Kafka's authenticator does. Before a handler runs, its API's whole-request authorisation rule
 * ({@link ApiAuthorization}) is checked and a denial answered with the request's error response; an API without a
 * rule cannot be registered. Every parsed request is counted and timed in {@link RequestMetrics}, with the
 * partition errors of Produce and Fetch responses and the errors of failed requests. With a
 * {@link RequestThrottler}, every handled request is measured against its client's quotas, and a throttled response
 * carries its throttle time and mutes the connection for that long. Thread-safe.
 */
public final class RequestDispatcher implements RequestChannel {

    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

    private final Map<ApiKeys, ApiHandler<?>> handlers = new EnumMap<>(ApiKeys.class);
    private final Map<ApiKeys, ApiVersionTable.Range> ranges = new EnumMap<>(ApiKeys.class);
    private volatile ApiVersionTable versions = new ApiVersionTable(Map.of());
    private final RequestMetrics metrics;
    private final Authorizer authorizer;
    private final Optional<RequestThrottler> throttler;

    /** A dispatcher whose request metrics are not exposed, without an authorizer (tests). */
    public RequestDispatcher() {
        this(new RequestMetrics(new PrometheusRegistry()), Authorizer.ALLOW_ALL);
    }

    /** A dispatcher without an authorizer or client quotas. */
    public RequestDispatcher(RequestMetrics metrics) {
        this(metrics, Authorizer.ALLOW_ALL, Optional.empty());
    }

    /** A dispatcher without client quotas. */
    public RequestDispatcher(RequestMetrics metrics, Authorizer authorizer) {
        this(metrics, authorizer, Optional.empty());
    }

    /** A dispatcher without an authorizer that applies client quotas through {@code throttler}. */
    public RequestDispatcher(RequestMetrics metrics, Optional<RequestThrottler> throttler) {
        this(metrics, Authorizer.ALLOW_ALL, throttler);
    }

    /**
     * @param authorizer checks every request by its API's {@link ApiAuthorization} rule
     * @param throttler  applies client quotas to every request, if present
     */
    public RequestDispatcher(RequestMetrics metrics, Authorizer authorizer, Optional<RequestThrottler> throttler) {
        this.metrics = metrics;
        this.authorizer = authorizer;
        this.throttler = throttler;
    }

    /**
     * Registers the handler of an API with the versions it implements (advertised from now on). Registration
     * happens while the node starts, before it accepts connections.
     *
     * @throws IllegalArgumentException if kafka-clients cannot parse a version in the range, or the API has no
     *                                  authorisation rule in {@link ApiAuthorization}
     */
    public <Q extends AbstractRequest> RequestDispatcher register(ApiKeys key, int minVersion, int maxVersion,
                                                                  ApiHandler<Q> handler) {
        if (minVersion < key.oldestVersion() || maxVersion > key.latestVersion(true) || minVersion > maxVersion) {
            throw new IllegalArgumentException(key + " versions " + minVersion + "-" + maxVersion
                    + " are outside what kafka-clients supports (" + key.oldestVersion() + "-"
                    + key.latestVersion(true) + ")");
        }
        if (ApiAuthorization.ruleFor(key).isEmpty()) {
            throw new IllegalArgumentException(key + " has no authorisation rule in ApiAuthorization");
        }
        handlers.put(key, handler);
        ranges.put(key, ApiVersionTable.Range.of(minVersion, maxVersion));
        versions = new ApiVersionTable(ranges);
        return this;
    }

    /** The advertised versions: exactly the registered handlers' ranges. */
    public ApiVersionTable versions() {
        return versions;
    }

    @Override
    public Outcome handle(ConnectionInfo connection, ByteBuffer frame) {
        long startNanos = System.nanoTime();
        if (connection.session().expectsRawToken()) {
            return RawSaslTokens.handle(connection, frame);
        }
        RequestHeader header;
        try {
            header = RequestHeader.parse(frame);
        } catch (RuntimeException e) {
            return new Disconnect("malformed request header (" + e.getMessage() + ")");
        }
        ApiKeys key = header.apiKey();
        short version = header.apiVersion();
        ApiVersionTable versions = this.versions;
        if (!versions.isSupported(key, version)) {
            if (key == ApiKeys.API_VERSIONS) {
                ApiVersionsResponseData unsupported = new ApiVersionsResponseData()
                        .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                        .setApiKeys(versions.toCollection());
                return new Respond(SendBuilder.buildResponseSend(header.toResponseHeader(), unsupported, (short) 0));
            }
            return new Disconnect("unsupported " + key.name + " version " + version);
        }
        if (!connection.session().mayServe(key, startNanos)) {
            // Kafka's authenticator: before SASL authentication (or after the session expired) only the exchange.
            return new Disconnect(key.name + " request from " + connection.clientAddress() + " on "
                    + connection.listenerName() + (connection.session().authenticated()
                    ? " after its SASL session expired" : " before SASL authentication"));
        }
        AbstractRequest request;
        try {
            request = AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(frame)).request;
        } catch (RuntimeException e) {
            return new Disconnect("malformed " + key.name + " v" + version + " request (" + e.getMessage() + ")");
        }
        int requestBytes = frame.limit();
        RequestContext context = new RequestContext(header, connection, authorizer);
        AbstractRequest parsed = request;
        Optional<ApiMessage> refused = throttler.flatMap(t -> t.admit(context, parsed));
        ApiMessage response = refused.isPresent() ? refused.get() : invoke(context, request);
        long handledNanos = System.nanoTime();
        metrics.recordLocal(key, handledNanos - startNanos);
        if (metrics.recording()) {
            countErrors(key, response);
        }
        // A consumer's fetch is measured by its response's size, which serialising it computes: done once, here.
        Send fetchSend = request instanceof FetchRequest && throttler.isPresent()
                ? SendBuilder.buildResponseSend(header.toResponseHeader(), response, version) : null;
        long muteMs = 0;
        if (throttler.isPresent()) {
            RequestThrottler.Throttled throttled = throttler.get().apply(context, request, requestBytes,
                    handledNanos - startNanos, response, fetchSend == null ? 0 : (int) fetchSend.size());
            if (throttled.response() != response) {
                response = throttled.response(); // a throttled fetch, answered empty
                fetchSend = null;
            }
            muteMs = throttled.throttleMs();
        }
        if (request instanceof ProduceRequest produce && produce.acks() == 0) {
            metrics.recordTotal(key, handledNanos - startNanos);
            // acks=0 gets no response; on error Kafka closes the connection so that the client refreshes metadata.
            return hasError((ProduceResponseData) response) ? new Disconnect("error on acks=0 produce")
                    : new NoResponse(muteMs);
        }
        Send send = new TimedSend(fetchSend != null ? fetchSend
                : SendBuilder.buildResponseSend(header.toResponseHeader(), response, version), key, startNanos);
        if (failedAuthentication(connection, response)) {
            // As Kafka: the client reads why, then the connection closes.
            return new RespondThenDisconnect(send, "SASL authentication failed (" + Errors.forCode(
                    response instanceof SaslHandshakeResponseData h ? h.errorCode()
                            : ((SaslAuthenticateResponseData) response).errorCode()) + ")");
        }
        return new Respond(send, muteMs);
    }

    private static boolean failedAuthentication(ConnectionInfo connection, ApiMessage response) {
        if (!connection.session().protocol().sasl()) {
            return false;
        }
        return response instanceof SaslHandshakeResponseData h && h.errorCode() != Errors.NONE.code()
                || response instanceof SaslAuthenticateResponseData a && a.errorCode() != Errors.NONE.code();
    }

    /**
     * Counts the partition errors of Produce and Fetch responses: a walk over partitions, never over records, that
     * looks an error up only when there is one.
     */
    private void countErrors(ApiKeys key, ApiMessage response) {
        if (response instanceof ProduceResponseData produce) {
            produce.responses().forEach(t -> t.partitionResponses().forEach(p -> countError(key, p.errorCode())));
        } else if (response instanceof FetchResponseData fetch) {
            countError(key, fetch.errorCode());
            fetch.responses().forEach(t -> t.partitions().forEach(p -> countError(key, p.errorCode())));
        }
    }

    private void countError(ApiKeys key, short code) {
        if (code != Errors.NONE.code()) {
            metrics.recordErrors(key, Errors.forCode(code), 1);
        }
    }

    /** A response that records the request's total time once its last byte is written. */
    private final class TimedSend implements Send {

        private final Send send;
        private final ApiKeys key;
        private final long startNanos;

        TimedSend(Send send, ApiKeys key, long startNanos) {
            this.send = send;
            this.key = key;
            this.startNanos = startNanos;
        }

        @Override
        public boolean completed() {
            return send.completed();
        }

        @Override
        public long writeTo(TransferableChannel channel) throws IOException {
            long written = send.writeTo(channel);
            if (send.completed()) {
                metrics.recordTotal(key, System.nanoTime() - startNanos);
            }
            return written;
        }

        @Override
        public long size() {
            return send.size();
        }
    }

    @SuppressWarnings("unchecked")
    private ApiMessage invoke(RequestContext context, AbstractRequest request) {
        ApiHandler<AbstractRequest> handler = (ApiHandler<AbstractRequest>) handlers.get(context.header().apiKey());
        try {
            Optional<ApiException> denied = ApiAuthorization.denial(context, request);
            if (denied.isPresent()) {
                throw denied.get();
            }
            return handler.handle(context, request);
        } catch (RuntimeException e) {
            Errors error = Errors.forException(e);
            if (!(request instanceof ProduceRequest) && !(request instanceof FetchRequest)) {
                // Produce and Fetch errors are counted from the error response, per partition.
                metrics.recordErrors(context.header().apiKey(), error, 1);
            }
            if (error == Errors.UNKNOWN_SERVER_ERROR) {
                log.error("Unexpected error handling {} from {}", context.header().apiKey(),
                        context.connection().clientAddress(), e);
            }
            return request.getErrorResponse(0, e).data();
        }
    }

    private static boolean hasError(ProduceResponseData response) {
        return response.responses().stream().flatMap(t -> t.partitionResponses().stream())
                .anyMatch(p -> p.errorCode() != Errors.NONE.code());
    }
}
