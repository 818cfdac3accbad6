package io.strata.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SameOriginTest {

    @Test
    void readsNeedNothing() {
        assertThat(SameOrigin.INSTANCE.denied(exchange(Map.of()), false)).isEmpty();
    }

    @Test
    void changesNeedTheHeaderAndAMatchingOriginWhenThereIsOne() {
        assertThat(SameOrigin.INSTANCE.denied(exchange(Map.of("Host", "node:9190")), true)).isPresent();
        assertThat(SameOrigin.INSTANCE.denied(exchange(Map.of("Host", "node:9190", SameOrigin.HEADER, "1")), true))
                .isEmpty();
        assertThat(SameOrigin.INSTANCE.denied(exchange(Map.of("Host", "node:9190", SameOrigin.HEADER, "1",
                "Origin", "http://node:9190")), true)).isEmpty();
        assertThat(SameOrigin.INSTANCE.denied(exchange(Map.of("Host", "node:9190", SameOrigin.HEADER, "1",
                "Origin", "http://evil:9190")), true)).hasValueSatisfying(m -> assertThat(m).contains("evil"));
        assertThat(SameOrigin.INSTANCE.denied(exchange(Map.of("Host", "node:9190", SameOrigin.HEADER, "1",
                "Origin", "null")), true)).isPresent();
    }

    @Test
    void originAndHostCompareSchemeLessWithTheirPorts() {
        assertThat(SameOrigin.sameHost("http://Node:9190", "node:9190")).isTrue();
        assertThat(SameOrigin.sameHost("https://node", "node")).isTrue();
        assertThat(SameOrigin.sameHost("http://node:9191", "node:9190")).isFalse();
        assertThat(SameOrigin.sameHost("file://node", "node")).isFalse();
        assertThat(SameOrigin.sameHost("http://node:9190", null)).isFalse();
        assertThat(SameOrigin.sameHost("::not a uri", "node")).isFalse();
    }

    private static HttpExchange exchange(Map<String, String> headers) {
        Headers h = new Headers();
        headers.forEach(h::add);
        return new HttpExchange() {
            @Override
            public Headers getRequestHeaders() {
                return h;
            }

            @Override
            public Headers getResponseHeaders() {
                return new Headers();
            }

            @Override
            public URI getRequestURI() {
                return URI.create("/api/console/topics");
            }

            @Override
            public String getRequestMethod() {
                return "POST";
            }

            @Override
            public HttpContext getHttpContext() {
                return null;
            }

            @Override
            public void close() {
            }

            @Override
            public InputStream getRequestBody() {
                return InputStream.nullInputStream();
            }

            @Override
            public OutputStream getResponseBody() {
                return OutputStream.nullOutputStream();
            }

            @Override
            public void sendResponseHeaders(int rCode, long responseLength) {
            }

            @Override
            public InetSocketAddress getRemoteAddress() {
                return null;
            }

            @Override
            public int getResponseCode() {
                return -1;
            }

            @Override
            public InetSocketAddress getLocalAddress() {
                return null;
            }

            @Override
            public String getProtocol() {
                return "HTTP/1.1";
            }

            @Override
            public Object getAttribute(String name) {
                return null;
            }

            @Override
            public void setAttribute(String name, Object value) {
            }

            @Override
            public void setStreams(InputStream i, OutputStream o) {
            }

            @Override
            public HttpPrincipal getPrincipal() {
                return null;
            }
        };
    }
}
