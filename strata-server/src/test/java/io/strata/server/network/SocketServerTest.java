package io.strata.server.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.server.config.Endpoint;
import io.strata.server.resources.FileDescriptorGuard;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.network.ByteBufferSend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SocketServerTest {

    /** Echoes each frame back, size-prefixed; a frame starting with 0 asks for a disconnect. */
    private static final RequestChannel ECHO = (connection, frame) -> {
        if (frame.remaining() > 0 && frame.get(frame.position()) == 0) {
            return new RequestChannel.Disconnect("asked to");
        }
        return new RequestChannel.Respond(ByteBufferSend.sizePrefixed(frame));
    };

    private SocketServer server;

    private int start(SocketServer.Limits limits) throws IOException {
        return start(limits, FileDescriptorGuard.processWide());
    }

    private int start(SocketServer.Limits limits, FileDescriptorGuard descriptors) throws IOException {
        server = new SocketServer(ECHO, limits, descriptors);
        int port = server.bind(List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 0))).get(0).address().getPort();
        server.startAccepting();
        return port;
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static void send(Socket socket, byte[] body) throws IOException {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }

    private static byte[] receive(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return body;
    }

    private static boolean closed(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void answersRequestsInOrderOnEachConnection() throws Exception {
        int port = start(new SocketServer.Limits(1024, 10, 60_000));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            for (int i = 1; i <= 100; i++) {
                send(socket, ByteBuffer.allocate(4).putInt(0x01000000 | i).array());
            }
            for (int i = 1; i <= 100; i++) {
                assertThat(ByteBuffer.wrap(receive(socket)).getInt()).isEqualTo(0x01000000 | i);
            }
        }
    }

    @Test
    void countsOpenConnectionsPerListener() throws Exception {
        int port = start(new SocketServer.Limits(1024, 10, 60_000));
        assertThat(server.connectionsByListener()).isEqualTo(java.util.Map.of("PLAINTEXT", 0));
        try (Socket a = new Socket("127.0.0.1", port); Socket b = new Socket("127.0.0.1", port)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionsByListener().get("PLAINTEXT") == 2);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionsByListener().get("PLAINTEXT") == 0);
    }

    @Test
    void closesConnectionsThatSendOversizedFramesOrAskToDisconnect() throws Exception {
        int port = start(new SocketServer.Limits(1024, 10, 60_000));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            send(socket, new byte[1025]);
            assertThat(closed(socket)).isTrue();
        }
        try (Socket socket = new Socket("127.0.0.1", port)) {
            send(socket, new byte[] {0, 1});
            assertThat(closed(socket)).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);
    }

    @Test
    void refusesConnectionsBeyondMaxConnections() throws Exception {
        int port = start(new SocketServer.Limits(1024, 1, 60_000));
        try (Socket first = new Socket("127.0.0.1", port)) {
            send(first, new byte[] {1});
            assertThat(receive(first)).containsExactly(1);
            try (Socket second = new Socket("127.0.0.1", port)) {
                assertThat(closed(second)).isTrue();
            }
            send(first, new byte[] {2});
            assertThat(receive(first)).containsExactly(2);
        }
    }

    @Test
    void refusesConnectionsNearTheOpenFileLimitAndAcceptsThemAgainWhenDescriptorsAreFree() throws Exception {
        AtomicLong open = new AtomicLong(990);
        AtomicLong clock = new AtomicLong();
        // Every reading is fresh: each check advances the clock past the guard's sampling interval.
        FileDescriptorGuard descriptors = new FileDescriptorGuard(
                () -> Optional.of(new FileDescriptorGuard.Usage(open.get(), 1024)),
                () -> clock.addAndGet(java.util.concurrent.TimeUnit.SECONDS.toNanos(1)));
        int port = start(new SocketServer.Limits(1024, 10, 60_000), descriptors);
        for (int i = 0; i < 3; i++) {
            try (Socket refused = new Socket("127.0.0.1", port)) {
                assertThat(closed(refused)).isTrue();
            }
        }
        assertThat(server.refusedConnectionCount()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);

        open.set(100);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            send(socket, new byte[] {1});
            assertThat(receive(socket)).containsExactly(1);
        }
    }

    @Test
    void memoryFollowsTheBytesThatArriveNotTheSizeAClientAnnounces() throws Exception {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int announced = 128 * 1024 * 1024;
        int port = start(new SocketServer.Limits(2 * announced, 10, 60_000));
        long before = threads.getTotalThreadAllocatedBytes();
        for (int i = 0; i < 4; i++) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                out.writeInt(announced);
                out.write(new byte[100]);
                out.flush();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);
        }
        // Four frames of 128 MiB announced, 100 bytes each sent: far less than one announced frame allocated.
        assertThat(threads.getTotalThreadAllocatedBytes() - before).isLessThan(announced / 4);
    }

    @Test
    void closesIdleConnections() throws Exception {
        int port = start(new SocketServer.Limits(1024, 10, 200));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            assertThat(closed(socket)).isTrue();
        }
    }

    @Test
    void closesConnectionsStalledInTheMiddleOfAFrame() throws Exception {
        int port = start(new SocketServer.Limits(1024, 10, 200));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(100);
            out.write(new byte[10]);
            out.flush();
            assertThat(closed(socket)).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);
    }

    @Test
    void pipelinedFramesOfEverySizeInOneWriteAreAnsweredInOrder() throws Exception {
        // Sizes around the connection's buffer steps: the initial buffer, growth, and beyond what it retains.
        int[] sizes = {1, 100, 16 * 1024 - 4, 16 * 1024 - 3, 70_000, 3, Connection.RETAINED_BUFFER_BYTES - 4,
            Connection.RETAINED_BUFFER_BYTES, 5, 2 * Connection.RETAINED_BUFFER_BYTES + 7, 9, 40_000};
        int port = start(new SocketServer.Limits(4 * Connection.RETAINED_BUFFER_BYTES, 10, 60_000));
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        DataOutputStream frames = new DataOutputStream(all);
        for (int i = 0; i < sizes.length; i++) {
            frames.writeInt(sizes[i]);
            frames.write(body(i, sizes[i]));
        }
        try (Socket socket = new Socket("127.0.0.1", port)) {
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    socket.getOutputStream().write(all.toByteArray());
                    socket.getOutputStream().flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            for (int i = 0; i < sizes.length; i++) {
                assertThat(receive(socket)).as("frame %d", i).isEqualTo(body(i, sizes[i]));
            }
            writer.join();
        }
    }

    @Test
    void framesDribbledByteByByteAreAnswered() throws Exception {
        int port = start(new SocketServer.Limits(1024, 10, 60_000));
        byte[] body = body(7, 300);
        byte[] frame = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            for (byte b : frame) {
                socket.getOutputStream().write(b);
                socket.getOutputStream().flush();
            }
            assertThat(receive(socket)).isEqualTo(body);
        }
    }

    /** Distinct content per frame, never starting with 0 (the echo server's disconnect marker). */
    private static byte[] body(int frame, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (1 + (frame * 31 + i) % 250);
        }
        return b;
    }
}
