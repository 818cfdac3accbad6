package io.strata.cli.cluster;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.output.Output;
import io.strata.cli.output.OutputOption;
import io.strata.cli.output.Table;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code strata cluster describe}: cluster id, the controller id brokers report, and every registered broker with its
 * state: {@code alive}, or {@code fenced} (the controller stopped hearing from it; it leads nothing and is in no
 * ISR). JSON schema: {@code {"clusterId","controller","brokers":[{"id","host","port","rack","state"}]}}; controller
 * is a broker id or null.
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show the cluster id, the active controller and the brokers.")
public final class ClusterDescribe extends AdminCommand {

    @Mixin
    OutputOption output;

    @Override
    protected int run(Admin admin) {
        DescribeClusterResult result = admin.describeCluster(new DescribeClusterOptions().includeFencedBrokers(true));
        String clusterId = Await.get(result.clusterId());
        Node controller = Await.get(result.controller());
        Collection<Node> nodes = Await.get(result.nodes());
        List<Node> brokers = nodes.stream().sorted(Comparator.comparingInt(Node::id)).toList();
        Integer controllerId = controller == null || controller.isEmpty() ? null : controller.id();
        Output out = Output.of(spec, output.format());
        if (out.isJson()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("clusterId", clusterId);
            doc.put("controller", controllerId);
            doc.put("brokers", brokers.stream().map(n -> {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("id", n.id());
                b.put("host", n.host());
                b.put("port", n.port());
                b.put("rack", n.rack());
                b.put("state", state(n));
                return b;
            }).toList());
            out.json(doc);
            return 0;
        }
        out.line("Cluster id: " + clusterId);
        out.line("Controller: " + (controllerId == null ? "none" : controllerId));
        out.line("Brokers:    " + brokers.size());
        Table table = Table.of("ID", "HOST", "PORT", "RACK", "STATE");
        brokers.forEach(n -> table.row(n.id(), n.host(), n.port(), n.rack(), state(n)));
        out.table(table);
        return 0;
    }

    private static String state(Node n) {
        return n.isFenced() ? "fenced" : "alive";
    }
}
