package io.strata.cli.txn;

import picocli.CommandLine.Command;

/** {@code strata transactions ...}: list, describe and abort transactions, as Kafka's kafka-transactions.sh. */
@Command(name = "transactions", mixinStandardHelpOptions = true,
        description = "Inspect transactional producers and abort a hanging transaction.",
        subcommands = {TransactionList.class, TransactionDescribe.class, TransactionAbort.class})
public final class TransactionsCommand {
}
