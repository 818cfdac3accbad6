package io.strata.cli.topic;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.client.CliException;
import io.strata.cli.client.KeyValues;
import io.strata.cli.config.ConfigChanges;
import io.strata.cli.output.Output;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code strata topic alter TOPIC}: adds partitions (CreatePartitions) and sets or removes topic configs
 * (IncrementalAlterConfigs). Partitions are added first; if that fails, configs are left unchanged.
 */
@Command(name = "alter", mixinStandardHelpOptions = true,
        description = "Add partitions to a topic or change its configs.")
public final class TopicAlter extends AdminCommand {

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Name of the topic.")
    String topic;

    @Option(names = {"-p", "--partitions"}, paramLabel = "N",
            description = "New total number of partitions (can only grow).")
    Integer partitions;

    @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE", description = "Set a topic config; repeatable.")
    List<String> configs = new ArrayList<>();

    @Option(names = {"-d", "--delete-config"}, paramLabel = "KEY",
            description = "Remove a topic config override (back to the default); repeatable.")
    List<String> deleteConfigs = new ArrayList<>();

    private Map<String, String> set;

    @Override
    protected void validate() {
        if (partitions == null && configs.isEmpty() && deleteConfigs.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "nothing to alter: give --partitions, --config or --delete-config");
        }
        set = KeyValues.parse(spec, "--config", configs);
    }

    @Override
    protected int run(Admin admin) {
        Output out = Output.of(spec);
        try {
            if (partitions != null) {
                Await.get(admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions))).all());
                out.line("Topic '" + topic + "' now has " + partitions + " partitions.");
            }
            if (!set.isEmpty() || !deleteConfigs.isEmpty()) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                ConfigChanges.apply(admin, resource, set, deleteConfigs);
                out.line("Updated configs of topic '" + topic + "': " + ConfigChanges.summary(set, deleteConfigs)
                        + ".");
            }
        } catch (UnknownTopicOrPartitionException e) {
            throw new CliException("topic '" + topic + "' does not exist");
        }
        return 0;
    }
}
