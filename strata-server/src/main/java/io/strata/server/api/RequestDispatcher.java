package io.strata.server.api;

import io.strata.server.network.ConnectionInfo;
import io.strata.server.network.RequestChannel;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.SendBuilder;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses request frames, checks them against the advertised versions, and routes them to the API handlers.
 *
 * <p>Malformed frames and requests for APIs or versions we do not advertise close the connection, as Kafka does;
 * ApiVersions is the exception, answered at v0 with UNSUPPORTED_VERSION and our ranges so that the client can
 * pick a version. Thread-safe.
 */
public final class RequestDispatcher implements RequestChannel {

    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

    private final Map<ApiKeys, ApiHandler<?>> handlers = new EnumMap<>(ApiKeys.class);
    private final Map<ApiKeys, ApiVersionTable.Range> ranges = new EnumMap<>(ApiKeys.class);
    private volatile ApiVersionTable versions = new ApiVersionTable(Map.of());

    /**
     * Registers the handler of an API with the versions it implements (advertised from now on). Registration
     * happens while the node starts, before it accepts connections.
     *
     * @throws IllegalArgumentException if kafka-clients cannot parse a version in the range
     */
    public <Q extends AbstractRequest> RequestDispatcher register(ApiKeys key, int minVersion, int maxVersion,
                                                                  ApiHandler<Q> handler) {
        if (minVersion < key.oldestVersion() || maxVersion > key.latestVersion(true) || minVersion > maxVersion) {
            throw new IllegalArgumentException(key + " versions " + minVersion + "-" + maxVersion
                    + " are outside what kafka-clients supports (" + key.oldestVersion() + "-"
                    + key.latestVersion(true) + ")");
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
        AbstractRequest request;
        try {
            request = AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(frame)).request;
        } catch (RuntimeException e) {
            return new Disconnect("malformed " + key.name + " v" + version + " request (" + e.getMessage() + ")");
        }
        ApiMessage response = invoke(new RequestContext(header, connection), request);
        if (request instanceof ProduceRequest produce && produce.acks() == 0) {
            // acks=0 gets no response; on error Kafka closes the connection so that the client refreshes metadata.
            return hasError((ProduceResponseData) response) ? new Disconnect("error on acks=0 produce")
                    : new NoResponse();
        }
        return new Respond(SendBuilder.buildResponseSend(header.toResponseHeader(), response, version));
    }

    @SuppressWarnings("unchecked")
    private ApiMessage invoke(RequestContext context, AbstractRequest request) {
        ApiHandler<AbstractRequest> handler = (ApiHandler<AbstractRequest>) handlers.get(context.header().apiKey());
        try {
            return handler.handle(context, request);
        } catch (RuntimeException e) {
            Errors error = Errors.forException(e);
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
