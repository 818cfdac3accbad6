package io.strata.cli.txn;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.client.CliException;
import io.strata.cli.output.Output;
import io.strata.cli.output.OutputOption;
import io.strata.cli.output.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code strata transactions describe ID...}: the coordinator's view of transactional ids: producer id and epoch,
 * state, timeout, when the open transaction started and for how long it has run, and its partitions. JSON schema:
 * {@code {"transactions":[{"transactionalId","coordinator","producerId","producerEpoch","state","timeoutMs",
 * "startTimeMs","durationMs","partitions":[{"topic","partition"}]}]}}; startTimeMs and durationMs are null without
 * an open transaction.
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show transactional ids: producer, state, timeout, duration and partitions.")
public final class TransactionDescribe extends AdminCommand {

    @Mixin
    OutputOption output;

    @Parameters(paramLabel = "TRANSACTIONAL_ID", arity = "1..*", description = "Transactional ids to describe.")
    List<String> ids;

    @Override
    protected int run(Admin admin) {
        var result = admin.describeTransactions(ids);
        long now = System.currentTimeMillis();
        Output out = Output.of(spec, output.format());
        List<Object> json = new ArrayList<>();
        Table table = Table.of("TRANSACTIONAL ID", "COORDINATOR", "PRODUCER ID", "EPOCH", "STATE", "TIMEOUT MS",
                "START TIME MS", "DURATION MS", "PARTITIONS");
        for (String id : ids.stream().distinct().toList()) {
            TransactionDescription d;
            try {
                d = Await.get(result.description(id));
            } catch (TransactionalIdNotFoundException e) {
                throw new CliException("transactional id '" + id + "' does not exist");
            }
            List<TopicPartition> partitions = d.topicPartitions().stream()
                    .sorted(Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition))
                    .toList();
            Long start = d.transactionStartTimeMs().isPresent() ? d.transactionStartTimeMs().getAsLong() : null;
            Long duration = start == null ? null : Math.max(0, now - start);
            if (out.isJson()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("transactionalId", id);
                m.put("coordinator", d.coordinatorId());
                m.put("producerId", d.producerId());
                m.put("producerEpoch", d.producerEpoch());
                m.put("state", TransactionNames.name(d.state()));
                m.put("timeoutMs", d.transactionTimeoutMs());
                m.put("startTimeMs", start);
                m.put("durationMs", duration);
                List<Object> ps = new ArrayList<>();
                partitions.forEach(tp -> {
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("topic", tp.topic());
                    p.put("partition", tp.partition());
                    ps.add(p);
                });
                m.put("partitions", ps);
                json.add(m);
            } else {
                table.row(id, d.coordinatorId(), d.producerId(), d.producerEpoch(), TransactionNames.name(d.state()),
                        d.transactionTimeoutMs(), start == null ? "-" : start, duration == null ? "-" : duration,
                        partitions.isEmpty() ? "-" : partitions.stream().map(TopicPartition::toString)
                                .collect(Collectors.joining(",")));
            }
        }
        if (out.isJson()) {
            out.json(Map.of("transactions", json));
        } else {
            out.table(table);
        }
        return 0;
    }
}
