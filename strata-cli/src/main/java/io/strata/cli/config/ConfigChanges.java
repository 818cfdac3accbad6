package io.strata.cli.config;

import io.strata.cli.client.Await;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/** Applies config changes with IncrementalAlterConfigs, shared by {@code config} and {@code topic alter}. */
public final class ConfigChanges {

    private ConfigChanges() {
    }

    /** Sets {@code set} and removes {@code delete} on {@code resource} in one request; failures are thrown. */
    public static void apply(Admin admin, ConfigResource resource, Map<String, String> set,
                             Collection<String> delete) {
        List<AlterConfigOp> ops = new ArrayList<>();
        set.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
        delete.forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE)));
        Await.get(admin.incrementalAlterConfigs(Map.of(resource, ops)).all());
    }

    /** {@code set a=1, b=2; deleted c} for messages. */
    public static String summary(Map<String, String> set, Collection<String> delete) {
        List<String> parts = new ArrayList<>();
        if (!set.isEmpty()) {
            parts.add("set " + String.join(", ", set.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toList()));
        }
        if (!delete.isEmpty()) {
            parts.add("deleted " + String.join(", ", delete));
        }
        return String.join("; ", parts);
    }
}
