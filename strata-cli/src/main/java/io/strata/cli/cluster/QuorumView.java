package io.strata.cli.cluster;

import io.strata.cli.output.Table;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.QuorumInfo;

/**
 * The metadata quorum of {@code strata cluster describe}, from Admin's {@code describeMetadataQuorum}: the leader,
 * its epoch and high watermark, and per voter (then observer) its role, log end offset, lag behind the leader's log
 * end offset and when the leader last heard from it. A replica whose log end offset the leader does not know has
 * no lag (null, {@code -} in the table). Immutable.
 *
 * @param quorum the quorum as the leader described it
 * @param nowMs  this machine's clock, for the table's "ms ago"
 */
record QuorumView(QuorumInfo quorum, long nowMs) {

    /** The one-line summary above the voter table. */
    String summary() {
        return "Metadata quorum: leader " + quorum.leaderId() + ", epoch " + quorum.leaderEpoch()
                + ", high watermark " + quorum.highWatermark();
    }

    /** One row per voter, then per observer, in id order. */
    Table table() {
        Table table = Table.of("NODE", "ROLE", "LOG END", "LAG", "LAST FETCH");
        for (Replica r : replicas()) {
            table.row(r.state().replicaId(), r.role(), known(r.state().logEndOffset()), r.lag(),
                    r.state().lastFetchTimestamp().isPresent()
                            ? Math.max(0, nowMs - r.state().lastFetchTimestamp().getAsLong()) + " ms ago" : null);
        }
        return table;
    }

    /**
     * JSON: {@code {"leader","leaderEpoch","highWatermark","voters":[...],"observers":[...]}}, each replica
     * {@code {"id","role","logEndOffset","lag","lastFetchTimestamp","lastCaughtUpTimestamp"}} (timestamps in epoch
     * milliseconds of the leader's clock, null when unknown).
     */
    Map<String, Object> json() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("leader", quorum.leaderId());
        doc.put("leaderEpoch", quorum.leaderEpoch());
        doc.put("highWatermark", quorum.highWatermark());
        doc.put("voters", replicas().stream().filter(r -> !r.role().equals("observer")).map(Replica::json).toList());
        doc.put("observers", replicas().stream().filter(r -> r.role().equals("observer")).map(Replica::json)
                .toList());
        return doc;
    }

    private List<Replica> replicas() {
        long leaderEnd = quorum.voters().stream().filter(v -> v.replicaId() == quorum.leaderId())
                .mapToLong(QuorumInfo.ReplicaState::logEndOffset).findFirst().orElse(-1);
        Comparator<QuorumInfo.ReplicaState> byId = Comparator.comparingInt(QuorumInfo.ReplicaState::replicaId);
        Stream<Replica> voters = quorum.voters().stream().sorted(byId).map(v -> new Replica(v,
                v.replicaId() == quorum.leaderId() ? "leader" : "follower", leaderEnd));
        Stream<Replica> observers = quorum.observers().stream().sorted(byId)
                .map(o -> new Replica(o, "observer", leaderEnd));
        return Stream.concat(voters, observers).toList();
    }

    private static Long known(long offset) {
        return offset < 0 ? null : offset;
    }

    private record Replica(QuorumInfo.ReplicaState state, String role, long leaderEnd) {

        Long lag() {
            return state.logEndOffset() < 0 || leaderEnd < 0 ? null : Math.max(0, leaderEnd - state.logEndOffset());
        }

        Map<String, Object> json() {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", state.replicaId());
            r.put("role", role);
            r.put("logEndOffset", known(state.logEndOffset()));
            r.put("lag", lag());
            r.put("lastFetchTimestamp", orNull(state.lastFetchTimestamp()));
            r.put("lastCaughtUpTimestamp", orNull(state.lastCaughtUpTimestamp()));
            return r;
        }

        private static Long orNull(OptionalLong value) {
            return value.isPresent() ? value.getAsLong() : null;
        }
    }
}
