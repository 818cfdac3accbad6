package io.strata.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.config.Endpoint;
import io.strata.server.security.PasswordVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Basic authentication in front of every route of a real {@link HttpService}, with an open path. */
class BasicAuthenticationTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private HttpService http;
    private String base;

    @BeforeEach
    void start() throws Exception {
        http = HttpService.bind("http.listeners", List.of(new Endpoint("HTTP", "127.0.0.1", 0)));
        http.route("/metrics", e -> Router.respond(e, 200, "metrics\n"));
        http.route("/", e -> Router.respond(e, 200, "hello " + e.getPrincipal().getUsername() + "\n"));
        http.authenticate(new BasicAuthentication(new PasswordVerifier(Map.of("alice", "sécret:x"),
                (user, mechanism) -> Optional.empty()), Set.of("/metrics")));
        http.start();
        base = "http://127.0.0.1:" + http.listeners().getFirst().address().getPort();
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private HttpResponse<String> get(String path, Optional<String> authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        authorization.ifPresent(a -> request.header("Authorization", a));
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Optional<String> basic(String user, String password) {
        return Optional.of("Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void validCredentialsReachTheRouteAsTheUser() throws Exception {
        HttpResponse<String> response = get("/", basic("alice", "sécret:x"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello alice\n");
    }

    @Test
    void missingWrongOrMalformedCredentialsGet401WithAChallenge() throws Exception {
        for (Optional<String> authorization : List.of(Optional.<String>empty(), basic("alice", "wrong"),
                basic("bob", "sécret:x"), Optional.of("Basic !!!"), Optional.of("Bearer abc"),
                Optional.of("Basic " + Base64.getEncoder().encodeToString("alice".getBytes())))) {
            HttpResponse<String> response = get("/", authorization);
            assertThat(response.statusCode()).as("%s", authorization).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .hasValue("Basic realm=\"strata\", charset=\"UTF-8\"");
        }
    }

    @Test
    void openPathsNeedNoCredentialsAndOthersStillDo() throws Exception {
        assertThat(get("/metrics", Optional.empty()).statusCode()).isEqualTo(200);
        assertThat(get("/metrics/", Optional.empty()).statusCode()).isEqualTo(401);
        assertThat(get("/nope", Optional.empty()).statusCode()).isEqualTo(401);
        assertThat(get("/nope", basic("alice", "sécret:x")).statusCode()).isEqualTo(404);
    }
}
