package io.strata.server.console;

import com.sun.net.httpserver.HttpExchange;
import java.util.Optional;

/**
 * Who may do what in the console: the seam where authentication and authorisation plug in once the HTTP listener
 * has them (issue 12). Asked before every API call; {@code mutating} calls (POST, DELETE) change the cluster.
 *
 * <p>Implementations are thread-safe: every HTTP exchange asks from its own virtual thread.
 */
@FunctionalInterface
public interface ConsoleAccess {

    /** Why {@code exchange} is refused, or empty if it may proceed; a refusal is answered with 403. */
    Optional<String> denied(HttpExchange exchange, boolean mutating);

    /**
     * No authentication (there is none on the HTTP listener yet), but mutating calls only from the console's own
     * pages: see {@link SameOrigin}.
     */
    static ConsoleAccess sameOrigin() {
        return SameOrigin.INSTANCE;
    }
}
