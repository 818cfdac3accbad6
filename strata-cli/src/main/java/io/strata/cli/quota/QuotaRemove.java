package io.strata.cli.quota;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.client.CliException;
import io.strata.cli.output.Output;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code strata quota remove}: removes quotas of one entity, all of them unless {@code --key} names some. */
@Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove client quotas of an entity.")
public final class QuotaRemove extends AdminCommand {

    @Mixin
    QuotaEntityOptions entity;

    @Option(names = "--key", paramLabel = "KEY", split = ",", description = "Quota keys to remove (default: all "
            + "of the entity's), e.g. producer_byte_rate.")
    List<String> keys = new ArrayList<>();

    @Override
    protected void validate() {
        entity.entity(spec);
    }

    @Override
    protected int run(Admin admin) {
        ClientQuotaEntity target = entity.entity(spec);
        List<String> remove = new ArrayList<>(keys);
        if (remove.isEmpty()) {
            List<ClientQuotaFilterComponent> filter = entity.filter(spec);
            Map<ClientQuotaEntity, Map<String, Double>> found = Await.get(admin.describeClientQuotas(
                    ClientQuotaFilter.containsOnly(filter)).entities());
            remove.addAll(found.getOrDefault(target, Map.of()).keySet());
            if (remove.isEmpty()) {
                throw new CliException(QuotaEntityOptions.describe(target) + " has no quotas");
            }
        }
        Await.get(admin.alterClientQuotas(List.of(new ClientQuotaAlteration(target, remove.stream()
                .map(k -> new ClientQuotaAlteration.Op(k, null)).toList()))).all());
        Output.of(spec).line("Removed " + String.join(", ", remove.stream().sorted().toList()) + " of "
                + QuotaEntityOptions.describe(target) + ".");
        return 0;
    }
}
