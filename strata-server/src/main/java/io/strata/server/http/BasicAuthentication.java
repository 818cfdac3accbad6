package io.strata.server.http;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.strata.server.security.PasswordVerifier;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * HTTP Basic authentication (RFC 7617) of every request on the HTTP listeners against the node's SASL users (see
 * {@link PasswordVerifier}), except on the configured open paths (e.g. {@code /metrics} for a Prometheus without
 * credentials). A request without valid credentials gets {@code 401} with
 * {@code WWW-Authenticate: Basic realm="strata", charset="UTF-8"}, so that a browser asks for them once and then
 * sends them with every request of the console. The authenticated user is the exchange's
 * {@link HttpExchange#getPrincipal() principal}.
 *
 * <p>Thread-safe.
 */
public final class BasicAuthentication extends Authenticator {

    static final String REALM = "strata";
    static final String CHALLENGE = "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"";

    private final PasswordVerifier verifier;
    private final Set<String> openPaths;

    /** @param openPaths paths served without credentials (matched exactly) */
    public BasicAuthentication(PasswordVerifier verifier, Set<String> openPaths) {
        this.verifier = verifier;
        this.openPaths = Set.copyOf(openPaths);
    }

    @Override
    public Result authenticate(HttpExchange exchange) {
        if (openPaths.contains(exchange.getRequestURI().getPath())) {
            return new Success(new HttpPrincipal("ANONYMOUS", REALM));
        }
        Optional<String> user = credentials(exchange.getRequestHeaders().getFirst("Authorization"))
                .filter(c -> verifier.verify(c[0], c[1])).map(c -> c[0]);
        if (user.isPresent()) {
            return new Success(new HttpPrincipal(user.get(), REALM));
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", CHALLENGE);
        return new Retry(401);
    }

    /** The user and password of a {@code Basic} Authorization header, if it is one and well formed. */
    static Optional<String[]> credentials(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        return colon <= 0 ? Optional.empty()
                : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
    }
}
