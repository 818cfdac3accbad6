package io.strata.server.api.admin;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;

/**
 * IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT (the last two on list configs only) applied to a
 * resource's current dynamic configs, validated as a whole and persisted as one metadata change. A resource named
 * twice in a request fails with INVALID_REQUEST, as in Kafka.
 */
final class IncrementalAlterConfigsHandler implements ApiHandler<IncrementalAlterConfigsRequest> {

    private final MetadataQuorum quorum;
    private final ConfigAlterer alterer;

    IncrementalAlterConfigsHandler(MetadataQuorum quorum, ConfigAlterer alterer) {
        this.quorum = quorum;
        this.alterer = alterer;
    }

    @Override
    public ApiMessage handle(RequestContext context, IncrementalAlterConfigsRequest request) {
        IncrementalAlterConfigsRequestData data = request.data();
        Set<String> seen = new HashSet<>();
        Set<String> duplicated = new HashSet<>();
        for (IncrementalAlterConfigsRequestData.AlterConfigsResource r : data.resources()) {
            if (!seen.add(r.resourceType() + "/" + r.resourceName())) {
                duplicated.add(r.resourceType() + "/" + r.resourceName());
            }
        }
        List<IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse> responses = new ArrayList<>();
        for (IncrementalAlterConfigsRequestData.AlterConfigsResource resource : data.resources()) {
            IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse response =
                    new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                            .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            try {
                if (duplicated.contains(resource.resourceType() + "/" + resource.resourceName())) {
                    throw new InvalidRequestException("Error due to duplicate resources in the request");
                }
                ConfigAlterer.authorize(context, resource.resourceType(), resource.resourceName(),
                        AclOperation.ALTER_CONFIGS);
                ConfigResourceKey key = alterer.key(resource.resourceType(), resource.resourceName());
                Map<String, String> current = alterer.current(quorum.image(), key);
                Set<String> named = new HashSet<>();
                resource.configs().forEach(op -> named.add(op.name()));
                alterer.replace(key, current, apply(key, current, resource.configs()), named, data.validateOnly());
                response.setErrorCode(Errors.NONE.code());
            } catch (ApiException e) {
                response.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
            responses.add(response);
        }
        return new IncrementalAlterConfigsResponseData().setResponses(responses);
    }

    /** The resource's configs after the operations. */
    private static Map<String, String> apply(ConfigResourceKey key, Map<String, String> current,
                                             IncrementalAlterConfigsRequestData.AlterableConfigCollection ops) {
        Set<String> names = new HashSet<>();
        Map<String, String> target = new HashMap<>(current);
        for (IncrementalAlterConfigsRequestData.AlterableConfig op : ops) {
            if (!names.add(op.name())) {
                throw new InvalidRequestException("Error due to duplicate config keys: " + op.name());
            }
            AlterConfigOp.OpType type;
            try {
                type = AlterConfigOp.OpType.forId(op.configOperation());
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("Unknown config operation " + op.configOperation());
            }
            if (type == null) {
                throw new InvalidRequestException("Unknown config operation " + op.configOperation());
            }
            switch (type) {
                case SET -> {
                    if (op.value() == null) {
                        throw new InvalidRequestException("Null value not supported for : " + op.name());
                    }
                    target.put(op.name(), op.value());
                }
                case DELETE -> target.remove(op.name());
                case APPEND, SUBTRACT -> {
                    if (!ConfigAlterer.isList(key, op.name())) {
                        throw new InvalidConfigurationException("Config value append is not allowed for config "
                                + "key: " + op.name());
                    }
                    String base = target.containsKey(op.name()) ? target.get(op.name())
                            : ConfigAlterer.defaultValue(key, op.name()).orElse("");
                    LinkedHashMap<String, Boolean> items = new LinkedHashMap<>();
                    split(base).forEach(v -> items.put(v, true));
                    if (type == AlterConfigOp.OpType.APPEND) {
                        split(op.value()).forEach(v -> items.put(v, true));
                    } else {
                        split(op.value()).forEach(items::remove);
                    }
                    target.put(op.name(), String.join(",", items.keySet()));
                }
            }
        }
        return target;
    }

    private static List<String> split(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toList());
    }
}
