package io.strata.server.network;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.network.TransferableChannel;

/**
 * A connection's byte stream after any TLS: requests are read from it and responses written to it. Plaintext
 * sends file regions with {@code sendfile}; TLS reads them through a buffer into its engine.
 *
 * <p>Not thread-safe: owned by its connection's thread.
 */
sealed interface Transport extends TransferableChannel permits SocketTransferableChannel, TlsTransport {

    /** Reads into {@code dst}, blocking until at least one byte is there; -1 at the end of the stream. */
    int read(ByteBuffer dst) throws IOException;
}
