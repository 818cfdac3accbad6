package io.strata.cli.topic;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.client.CliException;
import io.strata.cli.client.KeyValues;
import io.strata.cli.output.Output;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code strata topic create TOPIC}: creates a topic; the broker's defaults apply to what is not given. */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
public final class TopicCreate extends AdminCommand {

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Name of the topic.")
    String topic;

    @Option(names = {"-p", "--partitions"}, paramLabel = "N",
            description = "Number of partitions (default: the broker's num.partitions).")
    Integer partitions;

    @Option(names = {"-r", "--replication-factor"}, paramLabel = "N",
            description = "Copies of each partition (default: the broker's default.replication.factor).")
    Short replicationFactor;

    @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE",
            description = "A topic config such as retention.ms=86400000; repeatable.")
    List<String> configs = new ArrayList<>();

    @Option(names = "--if-not-exists", description = "Succeed without change if the topic exists.")
    boolean ifNotExists;

    private Map<String, String> topicConfigs;

    @Override
    protected void validate() {
        topicConfigs = KeyValues.parse(spec, "--config", configs);
    }

    @Override
    protected int run(Admin admin) {
        NewTopic newTopic = new NewTopic(topic, Optional.ofNullable(partitions), Optional.ofNullable(replicationFactor))
                .configs(topicConfigs);
        Output out = Output.of(spec);
        CreateTopicsResult result = admin.createTopics(List.of(newTopic));
        try {
            Await.get(result.all());
        } catch (TopicExistsException e) {
            if (ifNotExists) {
                out.line("Topic '" + topic + "' already exists.");
                return 0;
            }
            throw new CliException("topic '" + topic + "' already exists");
        }
        out.line("Created topic '" + topic + "' with " + Await.get(result.numPartitions(topic))
                + " partitions, replication factor " + Await.get(result.replicationFactor(topic)) + ".");
        return 0;
    }
}
