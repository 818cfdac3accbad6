package io.strata.server.api;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;

/** ApiVersions: our advertised version table and, from v3, the features ({@link FinalizedFeatures}). */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequest> {

    private final java.util.function.Supplier<ApiVersionTable> versions;
    private final FinalizedFeatures features;
    private final java.util.function.LongSupplier featuresEpoch;

    /**
     * @param versions      the advertised table (read per request: the dispatcher's table, once start-up completes)
     * @param featuresEpoch the epoch of the finalized features (the metadata version)
     */
    public ApiVersionsHandler(java.util.function.Supplier<ApiVersionTable> versions, FinalizedFeatures features,
                              java.util.function.LongSupplier featuresEpoch) {
        this.versions = versions;
        this.features = features;
        this.featuresEpoch = featuresEpoch;
    }

    @Override
    public ApiMessage handle(RequestContext context, ApiVersionsRequest request) {
        if (!request.isValid()) {
            return new ApiVersionsResponseData().setErrorCode(Errors.INVALID_REQUEST.code());
        }
        ApiVersionsResponseData response = new ApiVersionsResponseData().setErrorCode(Errors.NONE.code())
                .setApiKeys(versions.get().toCollection());
        features.addTo(response, context.apiVersion(), Math.max(0, featuresEpoch.getAsLong()));
        return response;
    }
}
