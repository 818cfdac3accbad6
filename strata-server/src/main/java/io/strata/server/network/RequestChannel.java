package io.strata.server.network;

import java.nio.ByteBuffer;
import org.apache.kafka.common.network.Send;

/**
 * The seam between the network layer and the protocol layer: turns one request frame into what to send back.
 *
 * <p>Implementations must be thread-safe; each connection calls from its own virtual thread, one request at a time.
 */
@FunctionalInterface
public interface RequestChannel {

    /**
     * Handles one frame (the bytes after the size prefix). The frame's bytes are valid until the outcome has been
     * written: the connection then reuses its buffer for the next request, so nothing may keep a reference to the
     * frame, or to a slice of it (records), beyond that; the outcome's response may. May block (long-poll fetch,
     * acks=all).
     */
    Outcome handle(ConnectionInfo connection, ByteBuffer frame);

    /** What the connection does after a request. */
    sealed interface Outcome permits Respond, NoResponse, Disconnect, RespondThenDisconnect {
    }

    /**
     * Write this response, then read the next request once {@code muteMs} have passed: a client over its quota is
     * not read from for its throttle time (Kafka's muted channel), while other connections go on.
     */
    record Respond(Send send, long muteMs) implements Outcome {
        public Respond(Send send) {
            this(send, 0);
        }
    }

    /** Nothing to write (acks=0 produce); the next request is read once {@code muteMs} have passed. */
    record NoResponse(long muteMs) implements Outcome {
        public NoResponse() {
            this(0);
        }
    }

    /** Write this response, then close the connection (a failed authentication). */
    record RespondThenDisconnect(Send send, String reason) implements Outcome {
    }

    /** Close the connection (malformed or unsupported request). */
    record Disconnect(String reason) implements Outcome {
    }
}
