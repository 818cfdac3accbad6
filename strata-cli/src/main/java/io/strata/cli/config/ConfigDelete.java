package io.strata.cli.config;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.CliException;
import io.strata.cli.output.Output;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code strata config delete TARGET KEY...}: removes dynamic configs, so defaults apply again. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Remove dynamic configs (their defaults apply again).")
public final class ConfigDelete extends AdminCommand {

    @ArgGroup(exclusive = true, multiplicity = "1")
    ConfigTarget target;

    @Parameters(paramLabel = "KEY", arity = "1..*", description = "Configs to remove.")
    List<String> keys;

    @Override
    protected int run(Admin admin) {
        try {
            ConfigChanges.apply(admin, target.resource(), Map.of(), keys);
        } catch (UnknownTopicOrPartitionException e) {
            throw new CliException("topic '" + target.name() + "' does not exist");
        }
        Output.of(spec).line("Updated configs of " + target.describe() + ": "
                + ConfigChanges.summary(Map.of(), keys) + ".");
        return 0;
    }
}
