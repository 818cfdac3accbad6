package io.strata.server.api.admin;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * DescribeConfigs for topics and this broker: values with their sources, synonyms when asked (v1+), types and
 * documentation (v3+). A resource that fails (unknown topic, another broker's id) gets its own error.
 */
final class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequest> {

    private final MetadataQuorum quorum;
    private final ConfigAlterer resources;
    private final ConfigDescriber describer;

    DescribeConfigsHandler(MetadataQuorum quorum, ConfigAlterer resources, ConfigDescriber describer) {
        this.quorum = quorum;
        this.resources = resources;
        this.describer = describer;
    }

    @Override
    public ApiMessage handle(RequestContext context, DescribeConfigsRequest request) {
        DescribeConfigsRequestData data = request.data();
        MetadataImage image = quorum.image();
        short version = context.apiVersion();
        List<DescribeConfigsResponseData.DescribeConfigsResult> results = new ArrayList<>();
        for (DescribeConfigsRequestData.DescribeConfigsResource resource : data.resources()) {
            DescribeConfigsResponseData.DescribeConfigsResult result = new DescribeConfigsResponseData
                    .DescribeConfigsResult().setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName());
            try {
                ConfigAlterer.authorize(context, resource.resourceType(), resource.resourceName(),
                        AclOperation.DESCRIBE_CONFIGS);
                ConfigResourceKey key = resources.key(resource.resourceType(), resource.resourceName());
                List<ConfigDescriber.Described> described = switch (key.type()) {
                    case TOPIC -> {
                        resources.current(image, key);
                        yield describer.topic(image, key.name());
                    }
                    case BROKER -> key.name().isEmpty() ? describer.brokerDefaults(image) : describer.broker(image);
                };
                Set<String> wanted = resource.configurationKeys() == null ? null
                        : new HashSet<>(resource.configurationKeys());
                List<DescribeConfigsResponseData.DescribeConfigsResourceResult> configs = new ArrayList<>();
                for (ConfigDescriber.Described d : described) {
                    if (wanted == null || wanted.contains(d.entry().name())) {
                        configs.add(toResult(d, data.includeSynonyms(), data.includeDocumentation(), version));
                    }
                }
                result.setErrorCode(Errors.NONE.code()).setConfigs(configs);
            } catch (ApiException e) {
                Errors error = Errors.forException(e);
                result.setErrorCode(error.code()).setErrorMessage(e.getMessage());
            }
            results.add(result);
        }
        return new DescribeConfigsResponseData().setResults(results);
    }

    private static DescribeConfigsResponseData.DescribeConfigsResourceResult toResult(
            ConfigDescriber.Described d, boolean synonyms, boolean documentation, short version) {
        // As Kafka: a secret is described as set, never with its value.
        boolean secret = d.entry().type() == ConfigType.PASSWORD;
        DescribeConfigsResponseData.DescribeConfigsResourceResult r = new DescribeConfigsResponseData
                .DescribeConfigsResourceResult().setName(d.entry().name()).setValue(secret ? null : d.value())
                .setReadOnly(d.readOnly()).setIsSensitive(secret).setConfigSource(d.source().id());
        if (synonyms) {
            List<DescribeConfigsResponseData.DescribeConfigsSynonym> list = new ArrayList<>();
            for (ConfigDescriber.Synonym s : d.synonyms()) {
                list.add(new DescribeConfigsResponseData.DescribeConfigsSynonym().setName(s.name())
                        .setValue(secret ? null : s.value()).setSource(s.source().id()));
            }
            r.setSynonyms(list);
        }
        if (version >= 3) {
            r.setConfigType(d.entry().type().id());
            if (documentation) {
                r.setDocumentation(d.entry().doc());
            }
        }
        return r;
    }
}
