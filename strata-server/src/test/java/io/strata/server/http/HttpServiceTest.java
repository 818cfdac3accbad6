package io.strata.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.server.config.Endpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class HttpServiceTest {

    private final HttpClient client = HttpClient.newHttpClient();

    private static void hello(com.sun.net.httpserver.HttpExchange exchange) throws java.io.IOException {
        byte[] body = ("hello from " + Thread.currentThread().isVirtual()).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    @Test
    void servesRoutesOnAnEphemeralPortOnVirtualThreadsOnlyOnceStarted() throws Exception {
        try (HttpService http = HttpService.bind("http.listeners", List.of(new Endpoint("HTTP", "127.0.0.1", 0)))) {
            InetSocketAddress address = http.listeners().get(0).address();
            assertThat(address.getPort()).isPositive();
            assertThat(http.listeners().get(0).listenerName()).isEqualTo("HTTP");
            http.route("/hello", HttpServiceTest::hello).start();

            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + address.getPort() + "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello from true");
        }
    }

    @Test
    void clientsThatStallMidRequestDoNotHoldUpOthers() throws Exception {
        try (HttpService http = HttpService.bind("http.listeners", List.of(new Endpoint("HTTP", "127.0.0.1", 0)))) {
            int port = http.listeners().get(0).address().getPort();
            http.route("/hello", HttpServiceTest::hello).start();
            List<java.net.Socket> stalled = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
                    socket.getOutputStream().write("GET /hel".getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    stalled.add(socket);
                }
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/hello")).timeout(java.time.Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
            } finally {
                for (java.net.Socket socket : stalled) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aTakenPortIsAConfigErrorNamingTheKeyAndReleasesWhatWasBound() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int free;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                free = probe.getLocalPort();
            }
            // HTTP binds first, then the taken one fails: the first must be released again.
            assertThatThrownBy(() -> HttpService.bind("http.listeners", List.of(
                    new Endpoint("HTTP", "127.0.0.1", free), new Endpoint("OTHER", "127.0.0.1", taken.getLocalPort()))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("http.listeners")
                    .hasMessageContaining("cannot listen on")
                    .hasMessageContaining("Address already in use");
            try (ServerSocket again = new ServerSocket(free, 1, InetAddress.getLoopbackAddress())) {
                assertThat(again.getLocalPort()).isEqualTo(free);
            }
        }
    }

    @Test
    void noListenersMeansOff() throws Exception {
        try (HttpService http = HttpService.bind("http.listeners", List.of())) {
            http.route("/x", HttpServiceTest::hello).start();
            assertThat(http.listeners()).isEmpty();
        }
    }
}
