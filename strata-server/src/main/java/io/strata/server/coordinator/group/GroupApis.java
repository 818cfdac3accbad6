package io.strata.server.coordinator.group;

import io.strata.server.ApiModule;
import io.strata.server.NodeServices;
import io.strata.server.api.RequestDispatcher;
import java.util.Optional;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.utils.Time;

/**
 * Consumer groups: the group coordinator and its APIs, with state in {@code __consumer_offsets}, and TxnOffsetCommit.
 * FindCoordinator is registered by the transaction module, which answers for both key types.
 */
public final class GroupApis implements ApiModule {

    private Optional<GroupCoordinator> coordinator = Optional.empty();

    @Override
    public void register(RequestDispatcher dispatcher, NodeServices s) {
        GroupCoordinator c = new GroupCoordinator(s.nodeId(), GroupConfig.from(s.config()), s.quorum(), s.replicas(),
                s.topics(), Time.SYSTEM);
        s.publishing().register(c.publisher());
        // Offsets committed in a transaction become visible (or are dropped) with its marker.
        s.replicas().setTransactionMarkerListener((partition, producerId, producerEpoch, commit, markerOffset) ->
                c.completeTransaction(partition.partition(), producerId, commit));
        s.metrics().registerGroups(c, s.replicas());
        coordinator = Optional.of(c);
        dispatcher.register(ApiKeys.JOIN_GROUP, 0, 9, new JoinGroupHandler(c.join()))
                .register(ApiKeys.SYNC_GROUP, 0, 5, new SyncGroupHandler(c.sync()))
                .register(ApiKeys.HEARTBEAT, 0, 4, new HeartbeatHandler(c.membership()))
                .register(ApiKeys.LEAVE_GROUP, 0, 5, new LeaveGroupHandler(c.membership()))
                .register(ApiKeys.OFFSET_COMMIT, 2, 10, new OffsetCommitHandler(c.offsets(), s.quorum()))
                .register(ApiKeys.OFFSET_FETCH, 1, 10, new OffsetFetchHandler(c.offsets(), s.quorum()))
                .register(ApiKeys.LIST_GROUPS, 0, 5, new ListGroupsHandler(c.admin()))
                .register(ApiKeys.DESCRIBE_GROUPS, 0, 6, new DescribeGroupsHandler(c.admin()))
                .register(ApiKeys.DELETE_GROUPS, 0, 2, new DeleteGroupsHandler(c.admin()))
                .register(ApiKeys.TXN_OFFSET_COMMIT, 0, 5, new TxnOffsetCommitHandler(c.offsets(), c::partitionFor,
                        s.replicas()::transactionVerifier))
                .register(ApiKeys.OFFSET_DELETE, 0, 0, new OffsetDeleteHandler(c.offsets()))
                .register(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 0, 1, new ConsumerGroupHeartbeatHandler(c.heartbeats()))
                .register(ApiKeys.CONSUMER_GROUP_DESCRIBE, 0, 1, new ConsumerGroupDescribeHandler(c));
    }

    /** The node's group coordinator, once registered. */
    public Optional<GroupCoordinator> coordinator() {
        return coordinator;
    }

    @Override
    public void close() {
        coordinator.ifPresent(GroupCoordinator::close);
    }
}
