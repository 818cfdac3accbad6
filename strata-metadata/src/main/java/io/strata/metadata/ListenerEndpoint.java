package io.strata.metadata;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the Raft server of a node that is not a voter (a Ratis listener) listens: the address it binds and the one
 * the voters reach it at. A Kafka user configures no new address for it: by default it takes the host of the node's
 * inter-broker listener and a port picked once, on first start, and kept in the metadata directory
 * ({@value #PORT_FILE}), so that restarts keep the address the quorum's configuration has.
 *
 * @param bind       the address the Raft server binds (a wildcard host binds every interface)
 * @param advertised the address recorded in the Raft configuration, which the leader connects to
 */
public record ListenerEndpoint(InetSocketAddress bind, InetSocketAddress advertised) {

    /** The file in the metadata directory that keeps the picked port. */
    static final String PORT_FILE = "raft-listener-port";

    public ListenerEndpoint {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(advertised, "advertised");
    }

    /**
     * The endpoint of a listener node.
     *
     * @param metadataDir    the metadata log directory (created if missing), which keeps the picked port
     * @param bindHost       the host the inter-broker listener binds; empty for every interface
     * @param advertisedHost the host the other nodes reach this one at (the inter-broker listener's advertised host)
     * @param fixed          a configured address, which takes precedence: bound and advertised as given
     * @throws IOException if the port file cannot be read or written, or no port can be picked
     */
    public static ListenerEndpoint resolve(Path metadataDir, String bindHost, String advertisedHost,
                                           Optional<InetSocketAddress> fixed) throws IOException {
        if (fixed.isPresent()) {
            InetSocketAddress address = fixed.get();
            return new ListenerEndpoint(address, address);
        }
        int port = persistedPort(metadataDir, bindHost);
        InetSocketAddress bind = bindHost.isEmpty() ? new InetSocketAddress(port)
                : InetSocketAddress.createUnresolved(bindHost, port);
        return new ListenerEndpoint(bind, InetSocketAddress.createUnresolved(advertisedHost, port));
    }

    /** The port kept in {@code metadataDir}, or a free one picked now and kept there. */
    private static int persistedPort(Path metadataDir, String bindHost) throws IOException {
        Path file = metadataDir.resolve(PORT_FILE);
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IOException("Corrupt " + file + ": '" + text + "'; delete it to pick a new port", e);
            }
        }
        int port;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(bindHost.isEmpty() ? new InetSocketAddress(0) : new InetSocketAddress(bindHost, 0));
            port = socket.getLocalPort();
        }
        Files.createDirectories(metadataDir);
        // Written aside and moved, so that a crash never leaves a half-written port behind.
        Path tmp = file.resolveSibling(PORT_FILE + ".tmp");
        Files.writeString(tmp, Integer.toString(port), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return port;
    }
}
