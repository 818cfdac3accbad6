package io.strata.server.console;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;

/**
 * The console's client quotas, through the Admin API (DescribeClientQuotas, AlterClientQuotas): every entity (a
 * user, a client id, both, or their defaults) with its quotas, searched by user or client id and paged, and the
 * change of one entity's quotas (keys set and removed), validated by the cluster first ({@code validateOnly}) as
 * the console's other changes are. Names are Kafka's text form: {@value #DEFAULT} is the default entity.
 *
 * <p>Thread-safe.
 */
final class QuotasApi {

    /** How Kafka's tools write the default user or client id. */
    static final String DEFAULT = "<default>";

    private static final Comparator<Map<String, Object>> ORDER = Comparator
            .comparing((Map<String, Object> r) -> (String) r.get("user"), Comparator.nullsFirst(Comparator
                    .naturalOrder()))
            .thenComparing(r -> (String) r.get("clientId"), Comparator.nullsFirst(Comparator.naturalOrder()));

    private final SecurityCalls cluster;

    QuotasApi(SecurityCalls cluster) {
        this.cluster = cluster;
    }

    /** One page of the entities whose user or client id contains {@code query} (case-insensitive). */
    Map<String, Object> list(Optional<String> query, Paging paging) {
        String q = query.map(s -> s.toLowerCase(Locale.ROOT)).orElse("");
        List<Map<String, Object>> rows = new ArrayList<>();
        cluster.describeQuotas(ClientQuotaFilter.all()).forEach((entity, values) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("user", name(entity, ClientQuotaEntity.USER));
            row.put("clientId", name(entity, ClientQuotaEntity.CLIENT_ID));
            row.put("quotas", new TreeMap<>(values));
            rows.add(row);
        });
        List<Map<String, Object>> matching = rows.stream().filter(r -> contains(r.get("user"), q)
                || contains(r.get("clientId"), q)).sorted(ORDER).toList();
        Map<String, Object> out = paging.header(matching.size());
        out.put("quotas", paging.slice(matching));
        return out;
    }

    /**
     * Sets the quotas {@code set} and removes those named in {@code remove} of the entity of {@code user} and/or
     * {@code clientId} ({@value #DEFAULT} for a default); with {@code validateOnly} only checks that the cluster
     * would. 400 for no entity, no change, or a value that is not a number.
     */
    Map<String, Object> alter(Optional<String> user, Optional<String> clientId, Map<String, String> set,
                              List<String> remove, boolean validateOnly) {
        Map<String, String> entity = new HashMap<>();
        user.ifPresent(u -> entity.put(ClientQuotaEntity.USER, u.equals(DEFAULT) ? null : u));
        clientId.ifPresent(c -> entity.put(ClientQuotaEntity.CLIENT_ID, c.equals(DEFAULT) ? null : c));
        if (entity.isEmpty()) {
            throw new ConsoleExchange.Refusal(400, "name a user, a client id or both");
        }
        List<ClientQuotaAlteration.Op> ops = new ArrayList<>();
        set.forEach((key, value) -> ops.add(new ClientQuotaAlteration.Op(key, number(key, value))));
        remove.forEach(key -> ops.add(new ClientQuotaAlteration.Op(key, null)));
        if (ops.isEmpty()) {
            throw new ConsoleExchange.Refusal(400, "no quota to change");
        }
        cluster.alterQuotas(new ClientQuotaAlteration(new ClientQuotaEntity(entity), ops), validateOnly);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", user.orElse(null));
        out.put("clientId", clientId.orElse(null));
        out.put("validateOnly", validateOnly);
        out.put("set", set);
        out.put("removed", remove);
        return out;
    }

    private static double number(String key, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new ConsoleExchange.Refusal(400, "quota " + key + " is not a number: " + value);
        }
    }

    /** The entity's name of {@code type}: {@value #DEFAULT} for the default, null when it has no such type. */
    private static String name(ClientQuotaEntity entity, String type) {
        if (!entity.entries().containsKey(type)) {
            return null;
        }
        return Optional.ofNullable(entity.entries().get(type)).orElse(DEFAULT);
    }

    private static boolean contains(Object name, String q) {
        return name != null && ((String) name).toLowerCase(Locale.ROOT).contains(q);
    }
}
