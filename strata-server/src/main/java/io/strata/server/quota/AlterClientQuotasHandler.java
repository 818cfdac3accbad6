package io.strata.server.quota;

import io.strata.metadata.ClientQuotaChange;
import io.strata.metadata.ClientQuotaEntity;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.QuorumWaiter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.message.AlterClientQuotasResponseData;
import org.apache.kafka.common.message.AlterClientQuotasResponseData.EntityData;
import org.apache.kafka.common.message.AlterClientQuotasResponseData.EntryData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterClientQuotasRequest;

/**
 * AlterClientQuotas: sets and removes quotas of users, client ids, users with client ids, and their defaults (a
 * null name), committed to the metadata log in one entry; {@code validate_only} checks without committing. Each
 * entity fails on its own with INVALID_REQUEST: an entity type other than {@code user} and {@code client-id} (IP
 * quotas are not supported), one named twice, an unknown key or one altered twice, a value that is not positive, or
 * a fractional byte rate (Kafka's byte rates are whole numbers). Removing a quota that is not set succeeds.
 *
 * <p>Thread-safe.
 */
final class AlterClientQuotasHandler implements ApiHandler<AlterClientQuotasRequest> {

    private static final Set<String> ENTITY_TYPES = Set.of(ClientQuotaEntity.USER, ClientQuotaEntity.CLIENT_ID);

    private final MetadataQuorum quorum;
    private final QuorumWaiter waiter;

    AlterClientQuotasHandler(MetadataQuorum quorum, QuorumWaiter waiter) {
        this.quorum = quorum;
        this.waiter = waiter;
    }

    @Override
    public ApiMessage handle(RequestContext context, AlterClientQuotasRequest request) {
        AlterClientQuotasRequestData data = request.data();
        List<EntryData> results = new ArrayList<>();
        List<ClientQuotaChange> changes = new ArrayList<>();
        List<EntryData> changed = new ArrayList<>();
        for (AlterClientQuotasRequestData.EntryData entry : data.entries()) {
            EntryData result = new EntryData().setErrorCode(Errors.NONE.code());
            entry.entity().forEach(e -> result.entity().add(new EntityData().setEntityType(e.entityType())
                    .setEntityName(e.entityName())));
            results.add(result);
            try {
                changes.add(new ClientQuotaChange(entity(entry.entity()), ops(entry.ops())));
                changed.add(result);
            } catch (InvalidRequestException e) {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(e.getMessage());
            }
        }
        if (!changes.isEmpty() && !data.validateOnly()) {
            try {
                waiter.await(quorum.alterClientQuotas(changes));
            } catch (ApiException e) {
                changed.forEach(r -> r.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage()));
            }
        }
        return new AlterClientQuotasResponseData().setEntries(results);
    }

    static ClientQuotaEntity entity(List<AlterClientQuotasRequestData.EntityData> components) {
        Map<String, Optional<String>> byType = new HashMap<>();
        for (AlterClientQuotasRequestData.EntityData c : components) {
            if (!ENTITY_TYPES.contains(c.entityType())) {
                throw new InvalidRequestException("Unhandled client quota entity type: " + c.entityType());
            }
            if (byType.put(c.entityType(), Optional.ofNullable(c.entityName())) != null) {
                throw new InvalidRequestException("Duplicate " + c.entityType() + " entity type in the request");
            }
        }
        if (byType.isEmpty()) {
            throw new InvalidRequestException("Invalid empty client quota entity");
        }
        return new ClientQuotaEntity(byType);
    }

    private static Map<String, Optional<Double>> ops(List<AlterClientQuotasRequestData.OpData> ops) {
        Map<String, Optional<Double>> byKey = new HashMap<>();
        for (AlterClientQuotasRequestData.OpData op : ops) {
            QuotaType type = QuotaType.forKey(op.key()).orElseThrow(() -> new InvalidRequestException(
                    "Invalid configuration key " + op.key()));
            if (!op.remove()) {
                double value = op.value();
                if (!(value > 0) || Double.isInfinite(value)) {
                    throw new InvalidRequestException("Quota " + op.key() + " must be a positive number, not "
                            + value);
                }
                if (type.wholeNumber() && value != Math.rint(value)) {
                    throw new InvalidRequestException("Configuration " + op.key() + " must be a Long value");
                }
            }
            if (byKey.put(op.key(), op.remove() ? Optional.empty() : Optional.of(op.value())) != null) {
                throw new InvalidRequestException("Duplicate quota key " + op.key() + " for the same entity");
            }
        }
        return byKey;
    }
}
