package io.strata.server.api.admin;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;

/**
 * The legacy AlterConfigs: each resource's dynamic configs are replaced by exactly the ones given (keys left out are
 * deleted), as in Kafka. Resources succeed or fail independently.
 */
final class AlterConfigsHandler implements ApiHandler<AlterConfigsRequest> {

    private final MetadataQuorum quorum;
    private final ConfigAlterer alterer;

    AlterConfigsHandler(MetadataQuorum quorum, ConfigAlterer alterer) {
        this.quorum = quorum;
        this.alterer = alterer;
    }

    @Override
    public ApiMessage handle(RequestContext context, AlterConfigsRequest request) {
        AlterConfigsRequestData data = request.data();
        List<AlterConfigsResponseData.AlterConfigsResourceResponse> responses = new ArrayList<>();
        for (AlterConfigsRequestData.AlterConfigsResource resource : data.resources()) {
            AlterConfigsResponseData.AlterConfigsResourceResponse response = new AlterConfigsResponseData
                    .AlterConfigsResourceResponse().setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName());
            try {
                ConfigAlterer.authorize(context, resource.resourceType(), resource.resourceName(),
                        AclOperation.ALTER_CONFIGS);
                ConfigResourceKey key = alterer.key(resource.resourceType(), resource.resourceName());
                Map<String, String> current = alterer.current(quorum.image(), key);
                Map<String, String> target = new HashMap<>();
                for (AlterConfigsRequestData.AlterableConfig config : resource.configs()) {
                    if (config.value() == null) {
                        throw new InvalidRequestException("Null value not supported for " + config.name());
                    }
                    target.put(config.name(), config.value());
                }
                alterer.replace(key, current, target, target.keySet(), data.validateOnly());
                response.setErrorCode(Errors.NONE.code());
            } catch (ApiException e) {
                response.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
            responses.add(response);
        }
        return new AlterConfigsResponseData().setResponses(responses);
    }
}
