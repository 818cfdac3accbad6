package io.strata.server.coordinator;

import io.strata.metadata.BrokerRegistration;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * FindCoordinator: for a group, the leader of its {@code __consumer_offsets} partition; for a transactional id, the
 * leader of its {@code __transaction_state} partition (each creating its topic on first use); one key up to v3, a
 * batch of keys from v4.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequest> {

    private static final byte GROUP = 0;
    private static final byte TRANSACTION = 1;

    /** The broker coordinating a key, creating the internal topic on first use; empty while none is available. */
    @FunctionalInterface
    public interface Finder {
        Optional<BrokerRegistration> find(String key);
    }

    private final Finder groups;
    private final Finder transactions;

    public FindCoordinatorHandler(Finder groups, Finder transactions) {
        this.groups = groups;
        this.transactions = transactions;
    }

    private record Found(Errors error, String message, Optional<BrokerRegistration.Endpoint> endpoint, int nodeId) {
    }

    @Override
    public ApiMessage handle(RequestContext context, FindCoordinatorRequest request) {
        byte keyType = request.data().keyType();
        if (context.apiVersion() < 4) {
            Found found = find(context, keyType, request.data().key());
            FindCoordinatorResponseData response = new FindCoordinatorResponseData()
                    .setErrorCode(found.error().code()).setNodeId(found.nodeId())
                    .setHost(found.endpoint().map(BrokerRegistration.Endpoint::host).orElse(""))
                    .setPort(found.endpoint().map(BrokerRegistration.Endpoint::port).orElse(-1));
            if (context.apiVersion() >= 1) {
                response.setErrorMessage(found.message());
            }
            return response;
        }
        List<FindCoordinatorResponseData.Coordinator> coordinators = new ArrayList<>();
        for (String key : request.data().coordinatorKeys()) {
            Found found = find(context, keyType, key);
            coordinators.add(new FindCoordinatorResponseData.Coordinator().setKey(key)
                    .setErrorCode(found.error().code()).setErrorMessage(found.message()).setNodeId(found.nodeId())
                    .setHost(found.endpoint().map(BrokerRegistration.Endpoint::host).orElse(""))
                    .setPort(found.endpoint().map(BrokerRegistration.Endpoint::port).orElse(-1)));
        }
        return new FindCoordinatorResponseData().setCoordinators(coordinators);
    }

    private Found find(RequestContext context, byte keyType, String key) {
        if (keyType != GROUP && keyType != TRANSACTION) {
            return failed(Errors.INVALID_REQUEST, "Unknown coordinator key type " + keyType);
        }
        if (key == null || key.isEmpty()) {
            return failed(Errors.INVALID_REQUEST, keyType == GROUP ? "The group id must not be empty"
                    : "The transactional id must not be empty");
        }
        // As Kafka: DESCRIBE on the group or transactional id, checked before the coordinator is looked up.
        if (!context.authorized(AclOperation.DESCRIBE, keyType == GROUP ? ResourceType.GROUP
                : ResourceType.TRANSACTIONAL_ID, key)) {
            return failed(keyType == GROUP ? Errors.GROUP_AUTHORIZATION_FAILED
                    : Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, null);
        }
        try {
            Optional<BrokerRegistration> broker = (keyType == GROUP ? groups : transactions).find(key);
            if (broker.isEmpty()) {
                return failed(Errors.COORDINATOR_NOT_AVAILABLE, null);
            }
            Optional<BrokerRegistration.Endpoint> endpoint = broker.get().endpoints().stream()
                    .filter(e -> e.listenerName().equals(context.listenerName())).findFirst();
            if (endpoint.isEmpty()) {
                return failed(Errors.COORDINATOR_NOT_AVAILABLE, "The coordinator has no " + context.listenerName()
                        + " listener");
            }
            return new Found(Errors.NONE, null, endpoint, broker.get().brokerId());
        } catch (ApiException e) {
            return failed(Errors.COORDINATOR_NOT_AVAILABLE, e.getMessage());
        }
    }

    private static Found failed(Errors error, String message) {
        return new Found(error, message != null ? message : error.message(), Optional.empty(), -1);
    }
}
