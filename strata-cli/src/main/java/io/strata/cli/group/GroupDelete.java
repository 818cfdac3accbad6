package io.strata.cli.group;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.client.CliException;
import io.strata.cli.output.Output;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code strata group delete GROUP...}: deletes groups and their committed offsets. The broker refuses a group
 * with active members; the others are still deleted, and the command then fails with the first refusal.
 */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete consumer groups and their committed offsets (they must have no active members).")
public final class GroupDelete extends AdminCommand {

    @Parameters(paramLabel = "GROUP", arity = "1..*", description = "Groups to delete.")
    List<String> groups;

    @Override
    protected int run(Admin admin) {
        Output out = Output.of(spec);
        var futures = admin.deleteConsumerGroups(groups).deletedGroups();
        Optional<CliException> failure = Optional.empty();
        for (String group : groups.stream().distinct().toList()) {
            try {
                Await.get(futures.get(group));
                out.line("Deleted group '" + group + "'.");
            } catch (GroupIdNotFoundException e) {
                failure = failure.or(() -> Optional.of(Groups.notFound(group)));
            } catch (GroupNotEmptyException e) {
                failure = failure.or(() -> Optional.of(new CliException("group '" + group
                        + "' has active members: stop its consumers first")));
            }
        }
        failure.ifPresent(f -> {
            throw f;
        });
        return 0;
    }
}
