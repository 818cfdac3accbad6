package io.strata.cli.group;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.output.Output;
import io.strata.cli.output.OutputOption;
import io.strata.cli.output.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata group list}: the consumer groups (both protocols, and groups that only commit offsets) with their
 * type and state, filtered by the broker (ListGroups v5 filters). JSON schema:
 * {@code {"groups":[{"group","type","state"}]}}, sorted by group id; type and state are null when the broker does
 * not report them.
 */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List consumer groups.")
public final class GroupList extends AdminCommand {

    @Mixin
    OutputOption output;

    @Option(names = "--state", paramLabel = "STATE", split = ",", converter = GroupNames.StateConverter.class,
            description = "Only groups in these states (Stable, Empty, PreparingRebalance, CompletingRebalance, "
                    + "Assigning, Reconciling, Dead...); repeatable or comma-separated.")
    List<GroupState> states = new ArrayList<>();

    @Option(names = "--type", paramLabel = "classic|consumer", split = ",",
            description = "Only groups of these protocols: classic or consumer (KIP-848); repeatable.")
    List<GroupNames.TypeOption> types = new ArrayList<>();

    @Override
    protected int run(Admin admin) {
        ListGroupsOptions options = ListGroupsOptions.forConsumerGroups();
        if (!states.isEmpty()) {
            options.inGroupStates(EnumSet.copyOf(states));
        }
        if (!types.isEmpty()) {
            Set<GroupType> wanted = types.stream().map(t -> t.type).collect(Collectors.toSet());
            options.withTypes(wanted);
        }
        List<GroupListing> groups = Await.get(admin.listGroups(options).all()).stream()
                .sorted(Comparator.comparing(GroupListing::groupId)).toList();
        Output out = Output.of(spec, output.format());
        if (out.isJson()) {
            List<Object> result = new ArrayList<>();
            for (GroupListing g : groups) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("group", g.groupId());
                m.put("type", GroupNames.type(g.type()));
                m.put("state", GroupNames.state(g.groupState()));
                result.add(m);
            }
            out.json(Map.of("groups", result));
        } else {
            Table table = Table.of("GROUP", "TYPE", "STATE");
            groups.forEach(g -> table.row(g.groupId(), GroupNames.type(g.type()), GroupNames.state(g.groupState())));
            out.table(table);
        }
        return 0;
    }
}
