package io.strata.server.coordinator.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The {@code range} assignor: per topic, the members subscribed to it (ordered by member id) get contiguous ranges
 * of partitions, the first ones one partition more when the count does not divide evenly. Members subscribed to
 * the same topics thus get the same partition numbers of co-partitioned topics. Stateless.
 */
final class RangeServerAssignor implements ServerAssignor {

    @Override
    public String name() {
        return "range";
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(Input input) {
        Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
        input.subscriptions().keySet().forEach(m -> result.put(m, new HashMap<>()));
        input.partitionCounts().forEach((topic, count) -> {
            List<String> members = new ArrayList<>(new TreeSet<>(input.subscriptions().entrySet().stream()
                    .filter(e -> e.getValue().contains(topic)).map(Map.Entry::getKey).toList()));
            if (members.isEmpty()) {
                return;
            }
            int quota = count / members.size();
            int extra = count % members.size();
            int next = 0;
            for (int i = 0; i < members.size(); i++) {
                int size = quota + (i < extra ? 1 : 0);
                Set<Integer> partitions = new TreeSet<>();
                for (int p = next; p < next + size; p++) {
                    partitions.add(p);
                }
                next += size;
                if (!partitions.isEmpty()) {
                    result.get(members.get(i)).put(topic, partitions);
                }
            }
        });
        return result;
    }
}
