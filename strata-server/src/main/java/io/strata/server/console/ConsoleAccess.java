package io.strata.server.console;

import com.sun.net.httpserver.HttpExchange;
import java.util.Optional;

/**
 * Who may do what in the console: the seam where authorisation plugs in (the HTTP listener authenticates every
 * request before it reaches the console when {@code http.authentication=basic}, and the user is the exchange's
 * principal). Asked before every API call; {@code mutating} calls (POST, DELETE) change the cluster.
 *
 * <p>Implementations are thread-safe: every HTTP exchange asks from its own virtual thread.
 */
@FunctionalInterface
public interface ConsoleAccess {

    /** Why {@code exchange} is refused, or empty if it may proceed; a refusal is answered with 403. */
    Optional<String> denied(HttpExchange exchange, boolean mutating);

    /**
     * Every user the HTTP listener let in (everyone without {@code http.authentication}), but mutating calls only
     * from the console's own pages: see {@link SameOrigin}.
     */
    static ConsoleAccess sameOrigin() {
        return SameOrigin.INSTANCE;
    }
}
