package io.strata.server.coordinator.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The {@code uniform} assignor (the default): spreads all subscribed partitions as evenly as the subscriptions
 * allow while keeping partitions where they are. It starts from the current target, drops what is no longer valid,
 * gives each unassigned partition to the eligible member with the fewest partitions, then moves partitions from a
 * member to an eligible one with at least two fewer until no such move remains (each move strictly reduces the
 * imbalance, so this ends). Stateless and deterministic.
 */
final class UniformServerAssignor implements ServerAssignor {

    private record Tp(Uuid topic, int partition) {
    }

    private static final Comparator<Tp> ORDER = Comparator.comparing((Tp t) -> t.topic().toString())
            .thenComparingInt(Tp::partition);

    @Override
    public String name() {
        return "uniform";
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(Input input) {
        TreeMap<String, TreeSet<Tp>> owned = new TreeMap<>();
        input.subscriptions().keySet().forEach(m -> owned.put(m, new TreeSet<>(ORDER)));
        Map<Tp, String> owner = new HashMap<>();
        // Keep what is still valid: a subscribed topic, an existing partition, not claimed twice.
        owned.forEach((member, set) -> input.currentTarget().getOrDefault(member, Map.of()).forEach((topic, ps) -> {
            Integer count = input.partitionCounts().get(topic);
            if (count == null || !input.subscriptions().get(member).contains(topic)) {
                return;
            }
            for (int p : ps) {
                Tp tp = new Tp(topic, p);
                if (p < count && !owner.containsKey(tp)) {
                    owner.put(tp, member);
                    set.add(tp);
                }
            }
        }));
        List<Tp> all = new ArrayList<>();
        input.partitionCounts().forEach((topic, count) -> {
            for (int p = 0; p < count; p++) {
                all.add(new Tp(topic, p));
            }
        });
        all.sort(ORDER);
        for (Tp tp : all) {
            if (!owner.containsKey(tp)) {
                leastLoaded(owned, input, tp, Integer.MAX_VALUE).ifPresent(m -> {
                    owner.put(tp, m);
                    owned.get(m).add(tp);
                });
            }
        }
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Tp tp : all) {
                String from = owner.get(tp);
                if (from == null) {
                    continue;
                }
                int fromCount = owned.get(from).size();
                Optional<String> to = leastLoaded(owned, input, tp, fromCount - 1);
                if (to.isPresent()) {
                    owned.get(from).remove(tp);
                    owned.get(to.get()).add(tp);
                    owner.put(tp, to.get());
                    moved = true;
                }
            }
        }
        Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
        owned.forEach((member, set) -> {
            Map<Uuid, Set<Integer>> byTopic = new HashMap<>();
            set.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new TreeSet<>()).add(tp.partition()));
            result.put(member, byTopic);
        });
        return result;
    }

    /** The eligible member with the fewest partitions, if it has fewer than {@code below}. */
    private static Optional<String> leastLoaded(TreeMap<String, TreeSet<Tp>> owned, Input input, Tp tp, int below) {
        String best = null;
        int bestCount = below;
        for (Map.Entry<String, TreeSet<Tp>> e : owned.entrySet()) {
            if (input.subscriptions().get(e.getKey()).contains(tp.topic()) && e.getValue().size() < bestCount) {
                best = e.getKey();
                bestCount = e.getValue().size();
            }
        }
        return Optional.ofNullable(best);
    }
}
