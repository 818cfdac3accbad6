package io.strata.server.api;

import io.strata.metadata.MetadataImage;
import java.util.function.Supplier;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;

/** ApiVersions: our advertised version table and, from v3, the features ({@link NodeFeatures}). */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequest> {

    private final Supplier<ApiVersionTable> versions;
    private final Supplier<MetadataImage> image;

    /**
     * @param versions the advertised table (read per request: the dispatcher's table, once start-up completes)
     * @param image    the current metadata image, with the cluster's finalized features
     */
    public ApiVersionsHandler(Supplier<ApiVersionTable> versions, Supplier<MetadataImage> image) {
        this.versions = versions;
        this.image = image;
    }

    @Override
    public ApiMessage handle(RequestContext context, ApiVersionsRequest request) {
        if (!request.isValid()) {
            return new ApiVersionsResponseData().setErrorCode(Errors.INVALID_REQUEST.code());
        }
        ApiVersionsResponseData response = new ApiVersionsResponseData().setErrorCode(Errors.NONE.code())
                .setApiKeys(versions.get().toCollection());
        NodeFeatures.addTo(response, context.apiVersion(), image.get());
        return response;
    }
}
