package io.strata.cli.txn;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.client.CliException;
import io.strata.cli.output.Output;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code strata transactions abort}: writes an ABORT marker for one producer's open transaction in one partition
 * (a hanging transaction whose coordinator no longer knows it), as {@code kafka-transactions.sh abort} does: the
 * producer is named by the start offset of its transaction (found with DescribeProducers) or given outright.
 */
@Command(name = "abort", mixinStandardHelpOptions = true,
        description = "Abort a hanging transaction in one partition (writes its ABORT marker).")
public final class TransactionAbort extends AdminCommand {

    @Option(names = "--topic", required = true, description = "The partition's topic.")
    String topic;

    @Option(names = "--partition", required = true, description = "The partition.")
    int partition;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    /** Either the transaction's first offset, or the producer itself. */
    static final class Target {
        @Option(names = "--start-offset", description = "The first offset of the transaction to abort.")
        Long startOffset;

        @ArgGroup(exclusive = false)
        Producer producer;
    }

    /** The producer of the transaction, as DescribeProducers shows it. */
    static final class Producer {
        @Option(names = "--producer-id", required = true, description = "The producer id.")
        long producerId;

        @Option(names = "--producer-epoch", required = true, description = "The producer epoch.")
        short producerEpoch;

        @Option(names = "--coordinator-epoch", required = true, description = "The coordinator epoch.")
        int coordinatorEpoch;
    }

    @Override
    protected void validate() {
        if (partition < 0) {
            throw new ParameterException(spec.commandLine(), "--partition must not be negative");
        }
    }

    @Override
    protected int run(Admin admin) {
        TopicPartition tp = new TopicPartition(topic, partition);
        AbortTransactionSpec abort;
        if (target.startOffset != null) {
            DescribeProducersResult.PartitionProducerState state = Await.get(admin.describeProducers(
                    java.util.List.of(tp)).partitionResult(tp));
            ProducerState producer = state.activeProducers().stream()
                    .filter(p -> p.currentTransactionStartOffset().isPresent()
                            && p.currentTransactionStartOffset().getAsLong() == target.startOffset)
                    .findFirst().orElseThrow(() -> new CliException("no open transaction in " + tp
                            + " starts at offset " + target.startOffset));
            abort = new AbortTransactionSpec(tp, producer.producerId(), (short) producer.producerEpoch(),
                    producer.coordinatorEpoch().orElse(-1));
        } else {
            abort = new AbortTransactionSpec(tp, target.producer.producerId, target.producer.producerEpoch,
                    target.producer.coordinatorEpoch);
        }
        Await.get(admin.abortTransaction(abort).all());
        Output.of(spec).line("Aborted the transaction of producer " + abort.producerId() + " (epoch "
                + abort.producerEpoch() + ") in " + tp + ".");
        return 0;
    }
}
