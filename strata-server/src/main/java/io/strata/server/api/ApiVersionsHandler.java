package io.strata.server.api;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;

/** ApiVersions: our advertised version table. */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequest> {

    private final java.util.function.Supplier<ApiVersionTable> versions;

    /** @param versions the advertised table (read per request: the dispatcher's table, once start-up completes) */
    public ApiVersionsHandler(java.util.function.Supplier<ApiVersionTable> versions) {
        this.versions = versions;
    }

    @Override
    public ApiMessage handle(RequestContext context, ApiVersionsRequest request) {
        if (!request.isValid()) {
            return new ApiVersionsResponseData().setErrorCode(Errors.INVALID_REQUEST.code());
        }
        return new ApiVersionsResponseData().setErrorCode(Errors.NONE.code()).setApiKeys(versions.get().toCollection());
    }
}
