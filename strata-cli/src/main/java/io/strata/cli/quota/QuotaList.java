package io.strata.cli.quota;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.output.Output;
import io.strata.cli.output.OutputOption;
import io.strata.cli.output.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code strata quota list}: the quotas of every entity, or of the entities that have the named user, client id or
 * defaults (other entity types may be present too). JSON schema: {@code {"quotas":[{"user","client_id","quotas":
 * {key: value}}]}} where a default is {@code "<default>"} and an absent entity type is null; sorted by user then
 * client id.
 */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List client quotas.")
public final class QuotaList extends AdminCommand {

    @Mixin
    QuotaEntityOptions entity;

    @Mixin
    OutputOption output;

    @Override
    protected int run(Admin admin) {
        Map<ClientQuotaEntity, Map<String, Double>> found = Await.get(admin.describeClientQuotas(
                ClientQuotaFilter.contains(entity.filter(spec))).entities());
        List<Map<String, Object>> rows = new ArrayList<>();
        found.forEach((e, values) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("user", name(e, ClientQuotaEntity.USER));
            row.put("client_id", name(e, ClientQuotaEntity.CLIENT_ID));
            Map<String, Object> quotas = new TreeMap<>();
            values.forEach((k, v) -> quotas.put(k, v == Math.rint(v) ? (Object) v.longValue() : v));
            row.put("quotas", quotas);
            rows.add(row);
        });
        Comparator<Object> nullsFirst = Comparator.nullsFirst(Comparator.comparing(String::valueOf));
        rows.sort(Comparator.comparing((Map<String, Object> r) -> r.get("user"), nullsFirst)
                .thenComparing(r -> r.get("client_id"), nullsFirst));
        Output out = Output.of(spec, output.format());
        if (out.isJson()) {
            out.json(Map.of("quotas", rows));
        } else {
            Table table = Table.of("USER", "CLIENT-ID", "QUOTA", "VALUE");
            for (Map<String, Object> r : rows) {
                @SuppressWarnings("unchecked")
                Map<String, Object> quotas = (Map<String, Object>) r.get("quotas");
                quotas.forEach((k, v) -> table.row(r.get("user") == null ? "-" : r.get("user"),
                        r.get("client_id") == null ? "-" : r.get("client_id"), k, String.valueOf(v)));
            }
            out.table(table);
        }
        return 0;
    }

    /** The entity's name of {@code type}: {@code <default>} for the default, null when it has no such type. */
    private static String name(ClientQuotaEntity e, String type) {
        if (!e.entries().containsKey(type)) {
            return null;
        }
        String name = e.entries().get(type);
        return name == null ? "<default>" : name;
    }

    /** A quota value as people write it: whole numbers without a fraction. */
    static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
