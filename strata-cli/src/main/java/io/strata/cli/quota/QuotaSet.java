package io.strata.cli.quota;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.output.Output;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code strata quota set}: sets quotas of one entity (AlterClientQuotas); keys not given keep their values.
 */
@Command(name = "set", mixinStandardHelpOptions = true, description = "Set client quotas of a user, client id or both.")
public final class QuotaSet extends AdminCommand {

    @Mixin
    QuotaEntityOptions entity;

    @Option(names = "--producer-byte-rate", paramLabel = "BYTES/S", description = "producer_byte_rate: bytes per "
            + "second produced.")
    Long producerByteRate;

    @Option(names = "--consumer-byte-rate", paramLabel = "BYTES/S", description = "consumer_byte_rate: bytes per "
            + "second fetched.")
    Long consumerByteRate;

    @Option(names = "--request-percentage", paramLabel = "PERCENT", description = "request_percentage: percent of "
            + "one request thread's time (200 is two threads).")
    Double requestPercentage;

    @Option(names = "--controller-mutation-rate", paramLabel = "PARTITIONS/S", description = "controller_mutation_rate:"
            + " partitions created or deleted per second.")
    Double controllerMutationRate;

    @Option(names = "--validate-only", description = "Check the change without applying it.")
    boolean validateOnly;

    private List<ClientQuotaAlteration.Op> ops() {
        List<ClientQuotaAlteration.Op> ops = new ArrayList<>();
        if (producerByteRate != null) {
            ops.add(new ClientQuotaAlteration.Op("producer_byte_rate", producerByteRate.doubleValue()));
        }
        if (consumerByteRate != null) {
            ops.add(new ClientQuotaAlteration.Op("consumer_byte_rate", consumerByteRate.doubleValue()));
        }
        if (requestPercentage != null) {
            ops.add(new ClientQuotaAlteration.Op("request_percentage", requestPercentage));
        }
        if (controllerMutationRate != null) {
            ops.add(new ClientQuotaAlteration.Op("controller_mutation_rate", controllerMutationRate));
        }
        return ops;
    }

    @Override
    protected void validate() {
        entity.entity(spec);
        if (ops().isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give at least one quota, e.g. --producer-byte-rate");
        }
    }

    @Override
    protected int run(Admin admin) {
        ClientQuotaEntity target = entity.entity(spec);
        List<ClientQuotaAlteration.Op> ops = ops();
        Await.get(admin.alterClientQuotas(List.of(new ClientQuotaAlteration(target, ops)),
                new org.apache.kafka.clients.admin.AlterClientQuotasOptions().validateOnly(validateOnly)).all());
        Output.of(spec).line((validateOnly ? "Validated " : "Set ") + String.join(", ", ops.stream()
                .map(o -> o.key() + "=" + QuotaList.format(o.value())).toList()) + " for "
                + QuotaEntityOptions.describe(target) + ".");
        return 0;
    }
}
