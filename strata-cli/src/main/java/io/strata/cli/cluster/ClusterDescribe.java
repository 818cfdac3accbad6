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
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code strata cluster describe}: cluster id, the controller id brokers report, every registered broker with its
 * state: {@code alive}, or {@code fenced} (the controller stopped hearing from it; it leads nothing and is in no
 * ISR), and the metadata quorum ({@link QuorumView}). JSON schema:
 * {@code {"clusterId","controller","brokers":[{"id","host","port","rack","state"}],"quorum":{...}}}; controller is
 * a broker id or null, quorum is null when the cluster could not describe it (the reason goes to stderr).
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show the cluster id, the active controller, the brokers and the metadata quorum.")
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
        Optional<QuorumView> quorum = quorum(admin, out);
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
            doc.put("quorum", quorum.map(QuorumView::json).orElse(null));
            out.json(doc);
            return 0;
        }
        out.line("Cluster id: " + clusterId);
        out.line("Controller: " + (controllerId == null ? "none" : controllerId));
        out.line("Brokers:    " + brokers.size());
        Table table = Table.of("ID", "HOST", "PORT", "RACK", "STATE");
        brokers.forEach(n -> table.row(n.id(), n.host(), n.port(), n.rack(), state(n)));
        out.table(table);
        quorum.ifPresent(q -> {
            out.line("");
            out.line(q.summary());
            out.table(q.table());
        });
        return 0;
    }

    /**
     * The quorum, if the cluster describes it; a cluster that cannot (an older Kafka, an election under way past the
     * timeout) still has its brokers shown, with the reason on stderr.
     */
    private static Optional<QuorumView> quorum(Admin admin, Output out) {
        try {
            QuorumInfo info = Await.get(admin.describeMetadataQuorum().quorumInfo());
            return Optional.of(new QuorumView(info, System.currentTimeMillis()));
        } catch (RuntimeException e) {
            out.note("Metadata quorum unavailable: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static String state(Node n) {
        return n.isFenced() ? "fenced" : "alive";
    }
}
