package io.strata.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free ports on 127.0.0.1 for listeners that must be known before a node starts (the quorum port).
 *
 * <p>Ports come from below the kernel's ephemeral range when there is room: a port handed out and released is then
 * never taken meanwhile as the local port of some outgoing connection (a node's own peer connections, a client),
 * which in the ephemeral range can happen in the seconds before the node binds it. Ports are handed out in turn
 * from a random start and checked bindable. Thread-safe.
 */
public final class Ports {

    private static final int LOWEST = 10_000;
    private static final int BELOW_EPHEMERAL = ephemeralLow();
    private static final AtomicInteger NEXT = new AtomicInteger(
            LOWEST + ThreadLocalRandom.current().nextInt(Math.max(1, BELOW_EPHEMERAL - LOWEST)));

    private Ports() {
    }

    public static int free() {
        if (BELOW_EPHEMERAL - LOWEST > 1000) {
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = LOWEST + Math.floorMod(NEXT.getAndIncrement() - LOWEST, BELOW_EPHEMERAL - LOWEST);
                try (ServerSocket socket = new ServerSocket()) {
                    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                    return port;
                } catch (IOException e) {
                    // taken: try the next one
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first port of Linux's ephemeral range, or {@value #LOWEST} (no room below) where it is unknown. */
    private static int ephemeralLow() {
        try {
            // read by line: Files.readString of this procfs file (size 0) returned only its first byte
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return LOWEST;
        }
    }
}
