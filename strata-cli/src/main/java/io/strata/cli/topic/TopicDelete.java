package io.strata.cli.topic;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.client.CliException;
import io.strata.cli.output.Output;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code strata topic delete TOPIC...}: deletes topics and their data. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete topics and all their records.")
public final class TopicDelete extends AdminCommand {

    @Parameters(paramLabel = "TOPIC", arity = "1..*", description = "Topics to delete.")
    List<String> topics;

    @Option(names = "--if-exists", description = "Succeed without change for topics that do not exist.")
    boolean ifExists;

    @Override
    protected int run(Admin admin) {
        Output out = Output.of(spec);
        var futures = admin.deleteTopics(topics).topicNameValues();
        String missing = null;
        for (String topic : topics) {
            try {
                Await.get(futures.get(topic));
                out.line("Deleted topic '" + topic + "'.");
            } catch (UnknownTopicOrPartitionException e) {
                if (ifExists) {
                    out.line("Topic '" + topic + "' does not exist.");
                } else if (missing == null) {
                    missing = topic;
                }
            }
        }
        if (missing != null) {
            throw new CliException("topic '" + missing + "' does not exist");
        }
        return 0;
    }
}
