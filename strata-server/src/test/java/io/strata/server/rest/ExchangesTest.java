package io.strata.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bodies and errors through a real JDK HTTP server, as the proxy's handlers see them. */
class ExchangesTest {

    private HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                try {
                    var body = Exchanges.object(exchange, 100);
                    var response = Exchanges.MAPPER.createObjectNode();
                    response.set("echo", body);
                    response.put("q", Exchanges.query(exchange).getOrDefault("q", ""));
                    Exchanges.send(exchange, 200, Exchanges.V2_JSON, response);
                } catch (RestException e) {
                    Exchanges.error(exchange, e, false);
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpResponse<String> post(String query, HttpRequest.BodyPublisher body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + "/x" + query)).POST(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aJsonObjectIsReadAndQueryParametersDecoded() throws Exception {
        HttpResponse<String> response = post("?q=a%20b", HttpRequest.BodyPublishers.ofString("{\"a\":1}"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"echo\":{\"a\":1},\"q\":\"a b\"}");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/vnd.kafka.v2+json");
    }

    @Test
    void largeMalformedAndMissingBodiesGetErrorBodies() throws Exception {
        HttpResponse<String> large = post("", HttpRequest.BodyPublishers.ofString("{\"a\":\"" + "x".repeat(200)
                + "\"}"));
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(large.body()).startsWith("{\"error_code\":413,\"message\":");
        // Without a length (chunked), the bound holds while reading.
        HttpResponse<String> chunked = post("", HttpRequest.BodyPublishers.ofInputStream(() ->
                new ByteArrayInputStream(("{\"a\":\"" + "x".repeat(200) + "\"}").getBytes())));
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(post("", HttpRequest.BodyPublishers.ofString("{\"a\":")).body())
                .startsWith("{\"error_code\":422,");
        assertThat(post("", HttpRequest.BodyPublishers.ofString("[1]")).statusCode()).isEqualTo(422);
        assertThat(post("", HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(422);
    }
}
