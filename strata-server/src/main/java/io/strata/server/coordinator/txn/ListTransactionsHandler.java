package io.strata.server.coordinator.txn;

import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListTransactionsRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * ListTransactions (KIP-664) of the ids this node coordinates, filtered by state names, producer ids, from v1 by
 * how long the transaction has been running (KIP-994: only open or completing transactions are running) and from v2 by a regular expression on the id (KIP-1152).
 * Unknown state names are echoed back in {@code unknownStateFilters}.
 */
final class ListTransactionsHandler implements ApiHandler<ListTransactionsRequest> {

    private final TransactionCoordinator coordinator;

    ListTransactionsHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiMessage handle(RequestContext context, ListTransactionsRequest request) {
        ListTransactionsRequestData data = request.data();
        ListTransactionsResponseData response = new ListTransactionsResponseData();
        Set<TxnState> states = new HashSet<>();
        for (String name : data.stateFilters()) {
            Optional<TxnState> state = TxnState.fromName(name);
            if (state.isPresent()) {
                states.add(state.get());
            } else {
                response.unknownStateFilters().add(name);
            }
        }
        if (!data.stateFilters().isEmpty() && states.isEmpty()) {
            return response;
        }
        Set<Long> producerIds = new HashSet<>(data.producerIdFilters());
        long duration = context.apiVersion() >= 1 ? data.durationFilter() : -1;
        Optional<Pattern> pattern = Optional.empty();
        String regex = context.apiVersion() >= 2 ? data.transactionalIdPattern() : null;
        if (regex != null && !regex.isEmpty()) {
            try {
                pattern = Optional.of(Pattern.compile(regex));
            } catch (PatternSyntaxException e) {
                return response.setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code());
            }
        }
        Optional<Collection<TransactionCoordinator.Description>> all = coordinator.list();
        if (all.isEmpty()) {
            return response.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        }
        long now = coordinator.now();
        for (TransactionCoordinator.Description d : all.get()) {
            TxnValue v = d.value();
            if ((!states.isEmpty() && !states.contains(v.state()))
                    || (!producerIds.isEmpty() && !producerIds.contains(v.producerId()))
                    || (duration >= 0 && (!v.state().isRunning() || now - v.startMs() <= duration))
                    || (pattern.isPresent() && !pattern.get().matcher(d.transactionalId()).matches())
                    || !context.authorized(AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, d.transactionalId())) {
                continue;
            }
            response.transactionStates().add(new ListTransactionsResponseData.TransactionState()
                    .setTransactionalId(d.transactionalId()).setProducerId(v.producerId())
                    .setTransactionState(v.state().kafkaName()));
        }
        return response;
    }
}
