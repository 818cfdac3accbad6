package io.strata.cli.txn;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.output.Output;
import io.strata.cli.output.OutputOption;
import io.strata.cli.output.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata transactions list}: every transactional id known to the cluster's coordinators, with its
 * coordinator, producer id and state, filtered by the brokers (ListTransactions). JSON schema:
 * {@code {"transactions":[{"transactionalId","coordinator","producerId","state"}]}}, sorted by transactional id.
 */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List transactional ids and their state.")
public final class TransactionList extends AdminCommand {

    @Mixin
    OutputOption output;

    @Option(names = "--state", paramLabel = "STATE", split = ",", converter = TransactionNames.StateConverter.class,
            description = "Only these states (Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, "
                    + "CompleteAbort, PrepareEpochFence); repeatable or comma-separated.")
    List<TransactionState> states = new ArrayList<>();

    @Option(names = "--producer-id", paramLabel = "ID", split = ",",
            description = "Only these producer ids; repeatable or comma-separated.")
    List<Long> producerIds = new ArrayList<>();

    @Option(names = "--duration-ms", paramLabel = "MS",
            description = "Only transactions running for longer than this (KIP-994).")
    Long durationMs;

    /** One listed id with the broker that coordinates it. */
    private record Listed(int coordinator, TransactionListing listing) {
    }

    @Override
    protected int run(Admin admin) {
        ListTransactionsOptions options = new ListTransactionsOptions().filterStates(states)
                .filterProducerIds(producerIds);
        if (durationMs != null) {
            options.filterOnDuration(durationMs);
        }
        List<Listed> listed = new ArrayList<>();
        Await.get(admin.listTransactions(options).allByBrokerId()).forEach((broker, listings) ->
                listings.forEach(l -> listed.add(new Listed(broker, l))));
        listed.sort(Comparator.comparing(l -> l.listing().transactionalId()));
        Output out = Output.of(spec, output.format());
        if (out.isJson()) {
            List<Object> result = new ArrayList<>();
            for (Listed l : listed) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("transactionalId", l.listing().transactionalId());
                m.put("coordinator", l.coordinator());
                m.put("producerId", l.listing().producerId());
                m.put("state", TransactionNames.name(l.listing().state()));
                result.add(m);
            }
            out.json(Map.of("transactions", result));
        } else {
            Table table = Table.of("TRANSACTIONAL ID", "COORDINATOR", "PRODUCER ID", "STATE");
            listed.forEach(l -> table.row(l.listing().transactionalId(), l.coordinator(), l.listing().producerId(),
                    TransactionNames.name(l.listing().state())));
            out.table(table);
        }
        return 0;
    }
}
