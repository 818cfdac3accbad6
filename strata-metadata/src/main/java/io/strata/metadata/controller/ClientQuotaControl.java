package io.strata.metadata.controller;

import io.strata.metadata.ClientQuotaChange;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.records.MetadataRecord;
import io.strata.metadata.records.MetadataRecord.ClientQuotaRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides client quota changes (Kafka's AlterClientQuotas at the controller): a set always becomes a record; a
 * removal only when the entity has the key, so that removing an absent quota succeeds without writing anything, as
 * in Kafka. Entities, keys and values are validated at the broker before the request gets here.
 *
 * <p>Stateless and thread-safe.
 */
public final class ClientQuotaControl {

    private ClientQuotaControl() {
    }

    public static Decision<Void> alter(MetadataImage image, List<ClientQuotaChange> changes) {
        List<MetadataRecord> records = new ArrayList<>();
        for (ClientQuotaChange change : changes) {
            Map<String, Double> current = image.clientQuotas().getOrDefault(change.entity(), Map.of());
            new TreeMap<>(change.ops()).forEach((key, value) -> {
                if (value.isPresent() || current.containsKey(key)) {
                    records.add(new ClientQuotaRecord(change.entity(), key, value));
                }
            });
        }
        return new Decision<>(records, null);
    }
}
