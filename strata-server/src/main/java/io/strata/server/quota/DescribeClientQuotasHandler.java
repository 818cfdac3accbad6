package io.strata.server.quota;

import io.strata.metadata.ClientQuotaEntity;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData.ComponentData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData.EntityData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData.EntryData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData.ValueData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClientQuotasRequest;

/**
 * DescribeClientQuotas (KIP-546): the quota entities of the metadata image that match a filter, with their values.
 * Each filter component names an entity type and matches its exact name (0), its default (1) or any name other than
 * the default (2); an entity matches when it has every component's type with a matching name, and in a strict
 * filter no other types. A component type named twice or an unknown match type fails the whole request with
 * INVALID_REQUEST, as in Kafka.
 *
 * <p>Thread-safe.
 */
final class DescribeClientQuotasHandler implements ApiHandler<DescribeClientQuotasRequest> {

    private static final byte MATCH_EXACT = 0;
    private static final byte MATCH_DEFAULT = 1;
    private static final byte MATCH_SPECIFIED = 2;

    private final MetadataQuorum quorum;

    DescribeClientQuotasHandler(MetadataQuorum quorum) {
        this.quorum = quorum;
    }

    @Override
    public ApiMessage handle(RequestContext context, DescribeClientQuotasRequest request) {
        Map<String, ComponentData> filter = new HashMap<>();
        for (ComponentData c : request.data().components()) {
            String problem = filter.put(c.entityType(), c) != null ? "Duplicate filter component entity type "
                    + c.entityType()
                    : c.matchType() < MATCH_EXACT || c.matchType() > MATCH_SPECIFIED ? "Unknown match type "
                    + c.matchType()
                    : c.matchType() == MATCH_EXACT && c.match() == null ? "Exact match of " + c.entityType()
                    + " without a name" : null;
            if (problem != null) {
                return new DescribeClientQuotasResponseData().setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage(problem).setEntries(null);
            }
        }
        boolean strict = request.data().strict();
        List<EntryData> entries = new ArrayList<>();
        new TreeMap<>(quorum.image().clientQuotas()).forEach((entity, values) -> {
            if (matches(entity, filter, strict)) {
                EntryData entry = new EntryData();
                new TreeMap<>(entity.components()).forEach((type, name) -> entry.entity().add(new EntityData()
                        .setEntityType(type).setEntityName(name.orElse(null))));
                new TreeMap<>(values).forEach((key, value) -> entry.values().add(new ValueData().setKey(key)
                        .setValue(value)));
                entries.add(entry);
            }
        });
        return new DescribeClientQuotasResponseData().setErrorCode(Errors.NONE.code()).setEntries(entries);
    }

    static boolean matches(ClientQuotaEntity entity, Map<String, ComponentData> filter, boolean strict) {
        if (strict && !entity.components().keySet().equals(filter.keySet())) {
            return false;
        }
        for (ComponentData c : filter.values()) {
            Optional<String> name = entity.components().get(c.entityType());
            if (name == null) {
                return false;
            }
            boolean ok = switch (c.matchType()) {
                case MATCH_EXACT -> name.isPresent() && name.get().equals(c.match());
                case MATCH_DEFAULT -> name.isEmpty();
                default -> name.isPresent();
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
