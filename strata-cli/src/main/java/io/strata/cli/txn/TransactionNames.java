package io.strata.cli.txn;

import java.util.Arrays;
import org.apache.kafka.clients.admin.TransactionState;
import picocli.CommandLine;

/** Kafka's names of transaction states, as shown and as accepted by the commands. Stateless. */
final class TransactionNames {

    private TransactionNames() {
    }

    /** Kafka's name of the state (PrepareCommit...), as DescribeTransactions and kafka-transactions.sh show it. */
    static String name(TransactionState state) {
        return state.toString();
    }

    /** Parses a state by Kafka's name, ignoring case. */
    static final class StateConverter implements CommandLine.ITypeConverter<TransactionState> {
        @Override
        public TransactionState convert(String value) {
            return Arrays.stream(TransactionState.values()).filter(s -> s != TransactionState.UNKNOWN)
                    .filter(s -> s.toString().equalsIgnoreCase(value)).findFirst()
                    .orElseThrow(() -> new CommandLine.TypeConversionException("unknown transaction state '" + value
                            + "'"));
        }
    }
}
