package io.strata.metadata;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One entity's part of AlterClientQuotas: quota keys to set (a value) or remove (empty). Immutable.
 */
public record ClientQuotaChange(ClientQuotaEntity entity, Map<String, Optional<Double>> ops) {

    public ClientQuotaChange {
        Objects.requireNonNull(entity, "entity");
        ops.forEach((key, value) -> {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        });
        ops = Map.copyOf(ops);
    }
}
