package io.strata.cli.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Turns any failure into the one line a person reads on stderr: Kafka's exceptions unwrapped from futures, a
 * timeout told apart into "the broker cannot be reached" and "the broker did not answer".
 *
 * <p>Stateless and thread-safe.
 */
public final class Errors {

    private static final int PROBE_TIMEOUT_MS = 3000;

    private Errors() {
    }

    /** The message for {@code failure}; {@code client} names the brokers when the command talks to a cluster. */
    public static String describe(Throwable failure, Optional<ClientOptions> client) {
        Throwable e = unwrap(failure);
        return switch (e) {
            case CliException c -> c.getMessage();
            case TimeoutException t -> client.map(c -> timeout(c, t)).orElse("timed out: " + t.getMessage());
            case UnsupportedVersionException u -> "the broker does not support this operation: " + u.getMessage();
            case ApiException a -> text(a);
            case ConfigException c -> "invalid client configuration: " + c.getMessage();
            case KafkaException k when k.getCause() instanceof ConfigException c ->
                    "invalid client configuration: " + c.getMessage();
            case UncheckedIOException io -> text(io.getCause());
            case IOException io -> text(io);
            default -> e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        };
    }

    /** Peels the wrappers that futures and the clients put around the real failure. */
    public static Throwable unwrap(Throwable failure) {
        Throwable e = failure;
        while ((e instanceof ExecutionException || e instanceof CompletionException
                || (e.getClass() == KafkaException.class && e.getCause() instanceof ApiException))
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static String timeout(ClientOptions client, TimeoutException t) {
        long seconds = Math.max(1, client.timeout().toSeconds());
        if (!anyReachable(client.bootstrap())) {
            return unreachable(client.bootstrap());
        }
        return "no answer from the cluster at " + client.bootstrap() + " within " + seconds + " s: " + t.getMessage();
    }

    static String unreachable(String bootstrap) {
        return "cannot reach a broker at " + bootstrap + " (is it running?)";
    }

    /** Whether a TCP connection to any of the bootstrap servers succeeds: tells a dead broker from a slow one. */
    static boolean anyReachable(String bootstrap) {
        for (String server : bootstrap.split(",")) {
            String s = server.trim();
            int colon = s.lastIndexOf(':');
            if (colon <= 0) {
                continue;
            }
            String host = s.substring(0, colon).replace("[", "").replace("]", "");
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, Integer.parseInt(s.substring(colon + 1))),
                        PROBE_TIMEOUT_MS);
                return true;
            } catch (IOException | IllegalArgumentException e) {
                // try the next one
            }
        }
        return false;
    }

    private static String text(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
