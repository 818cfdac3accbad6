package io.strata.server.console;

import com.sun.net.httpserver.HttpExchange;
import java.net.URI;
import java.util.Optional;

/**
 * The console's defence against cross-site request forgery while there is no authentication: a mutating call must
 * carry the header {@value #HEADER} (which a cross-origin page can only send after a CORS preflight that the
 * console never grants), and an {@code Origin} header, when the browser sends one, must name the host the request
 * was sent to. Reads need neither: GET answers carry no CORS headers, so other origins cannot read them.
 *
 * <p>Stateless and thread-safe.
 */
final class SameOrigin implements ConsoleAccess {

    /** The header the console's script sends with every mutating call. */
    static final String HEADER = "X-Strata-Console";

    static final SameOrigin INSTANCE = new SameOrigin();

    private SameOrigin() {
    }

    @Override
    public Optional<String> denied(HttpExchange exchange, boolean mutating) {
        if (!mutating) {
            return Optional.empty();
        }
        if (exchange.getRequestHeaders().getFirst(HEADER) == null) {
            return Optional.of("missing header " + HEADER + ": changes are accepted from the console's pages only");
        }
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (origin != null && !sameHost(origin, host)) {
            return Optional.of("cross-origin request refused (Origin " + origin + ", Host " + host + ")");
        }
        return Optional.empty();
    }

    /** Whether {@code origin} ({@code scheme://host[:port]}) names {@code host} ({@code host[:port]}). */
    static boolean sameHost(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return false;
            }
            String authority = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
