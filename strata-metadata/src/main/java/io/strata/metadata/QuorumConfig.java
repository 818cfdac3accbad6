package io.strata.metadata;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How this node takes part in the metadata quorum.
 *
 * @param nodeId          {@code node.id}
 * @param voters          {@code controller.quorum.voters}: voter id to the address its CONTROLLER listener binds
 * @param metadataDir     directory for the Ratis log and snapshots ({@code metadata.log.dir}, default: the first
 *                        entry of {@code log.dirs})
 * @param clusterId       the cluster id from {@code meta.properties}
 * @param requestTimeout  how long a controller write may take before it fails with a timeout
 */
public record QuorumConfig(int nodeId, Map<Integer, InetSocketAddress> voters, Path metadataDir, String clusterId,
                           Duration requestTimeout) {
}
