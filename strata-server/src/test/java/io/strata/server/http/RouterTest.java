package io.strata.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.server.config.Endpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouterTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private HttpService http;
    private int port;

    @BeforeEach
    void start() throws Exception {
        http = HttpService.bind("http.listeners", List.of(new Endpoint("HTTP", "127.0.0.1", 0)));
        http.route("/ok", exchange -> Router.respond(exchange, 200, "ok\n"))
                .route("/broken", exchange -> {
                    throw new IllegalStateException("bug");
                })
                .routePrefix("/api", exchange -> Router.respond(exchange, 200,
                        "api " + exchange.getRequestURI().getPath() + "\n"))
                .route("/api/exact", exchange -> Router.respond(exchange, 200, "exact\n"))
                .routePrefix("/api/inner", exchange -> Router.respond(exchange, 200, "inner\n"))
                .start();
        port = http.listeners().get(0).address().getPort();
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void routesByExactPathOnly() throws Exception {
        assertThat(get("/ok").body()).isEqualTo("ok\n");
        assertThat(get("/ok?x=1").statusCode()).isEqualTo(200);
        assertThat(get("/okay").statusCode()).isEqualTo(404);
        assertThat(get("/ok/more").statusCode()).isEqualTo(404);
        assertThat(get("/").statusCode()).isEqualTo(404);
    }

    @Test
    void routesAPrefixAndEverythingUnderItButNotItsNeighbours() throws Exception {
        assertThat(get("/api").body()).isEqualTo("api /api\n");
        assertThat(get("/api/subjects/a%2Fb/versions").body()).isEqualTo("api /api/subjects/a/b/versions\n");
        assertThat(get("/api/exact").body()).as("an exact route wins").isEqualTo("exact\n");
        assertThat(get("/api/inner/x").body()).as("the longest prefix wins").isEqualTo("inner\n");
        assertThat(get("/api/innerx").body()).isEqualTo("api /api/innerx\n");
        assertThat(get("/apix").statusCode()).isEqualTo(404);
        Router router = new Router();
        router.addPrefix("/p", exchange -> { });
        assertThatThrownBy(() -> router.addPrefix("/p", exchange -> { })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> router.addPrefix("/q/", exchange -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(router.paths()).containsExactly("/p/*");
    }

    @Test
    void aFailingHandlerIs500AndTheServerGoesOn() throws Exception {
        assertThat(get("/broken").statusCode()).isEqualTo(500);
        assertThat(get("/ok").statusCode()).isEqualTo(200);
    }

    @Test
    void aPathIsRoutedOnce() {
        Router router = new Router();
        router.add("/a", exchange -> { });
        assertThatThrownBy(() -> router.add("/a", exchange -> { })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> router.add("b", exchange -> { })).isInstanceOf(IllegalArgumentException.class);
    }
}
