package io.strata.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;

/**
 * A stand-in broker on an ephemeral 127.0.0.1 port for the raw-socket load generators: each connection gets a
 * virtual thread that reads a request at a time and writes back what {@link Responder} makes of it, with the
 * request's correlation id and version. Counts the connections it accepted and saw closed.
 */
final class FakeBroker implements AutoCloseable {

    /** The response body to a request; called on the connection's thread, may block to play a long poll. */
    interface Responder {
        ApiMessage respond(int connection, RequestHeader header, ByteBuffer body) throws InterruptedException;
    }

    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    private final ServerSocketChannel server;
    private final Responder responder;
    private final Thread acceptor;

    FakeBroker(Responder responder) throws IOException {
        this.responder = responder;
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 100);
        acceptor = Thread.ofVirtual().start(this::accept);
    }

    int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    private void accept() {
        try {
            while (true) {
                SocketChannel s = server.accept();
                int id = connections.getAndIncrement();
                Thread.ofVirtual().start(() -> serve(id, s));
            }
        } catch (IOException e) {
            // closed by close()
        }
    }

    private void serve(int id, SocketChannel s) {
        try (s) {
            ResponseReader in = new ResponseReader(s, 1024);
            while (true) {
                ByteBuffer request = in.next();
                RequestHeader header = RequestHeader.parse(request);
                ApiMessage response = responder.respond(id, header, request);
                ByteBuffer body = RequestUtils.serialize(header.toResponseHeader().data(),
                        header.apiKey().responseHeaderVersion(header.apiVersion()), response, header.apiVersion());
                ByteBuffer framed = ByteBuffer.allocate(4 + body.remaining()).putInt(body.remaining()).put(body);
                framed.flip();
                while (framed.hasRemaining()) {
                    s.write(framed);
                }
            }
        } catch (IOException | InterruptedException e) {
            closed.incrementAndGet();
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        acceptor.join();
    }
}
