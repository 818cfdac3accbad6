package io.strata.cli.config;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.CliException;
import io.strata.cli.client.KeyValues;
import io.strata.cli.output.Output;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code strata config set TARGET KEY=VALUE...}: sets dynamic configs (IncrementalAlterConfigs SET). */
@Command(name = "set", mixinStandardHelpOptions = true, description = "Set dynamic configs.")
public final class ConfigSet extends AdminCommand {

    @ArgGroup(exclusive = true, multiplicity = "1")
    ConfigTarget target;

    @Parameters(paramLabel = "KEY=VALUE", arity = "1..*", description = "Configs to set.")
    List<String> pairs;

    private Map<String, String> set;

    @Override
    protected void validate() {
        set = KeyValues.parse(spec, "KEY=VALUE", pairs);
    }

    @Override
    protected int run(Admin admin) {
        try {
            ConfigChanges.apply(admin, target.resource(), set, List.of());
        } catch (UnknownTopicOrPartitionException e) {
            throw new CliException("topic '" + target.name() + "' does not exist");
        }
        Output.of(spec).line("Updated configs of " + target.describe() + ": " + ConfigChanges.summary(set, List.of())
                + ".");
        return 0;
    }
}
