package io.strata.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;

/**
 * A listener as written in {@code listeners}/{@code advertised.listeners}: {@code NAME://host:port}. An empty
 * host means every interface.
 */
public record Endpoint(String listenerName, String host, int port) {

    /** Parses a comma-separated listener list, e.g. {@code PLAINTEXT://127.0.0.1:9092,CONTROLLER://:9093}. */
    public static List<Endpoint> parseList(String key, String value) {
        List<Endpoint> endpoints = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return endpoints;
        }
        for (String item : value.split(",")) {
            String s = item.trim();
            int sep = s.indexOf("://");
            int colon = s.lastIndexOf(':');
            if (sep <= 0 || colon <= sep + 2) {
                throw new ConfigException(key, value, "expected NAME://host:port, got '" + s + "'");
            }
            String name = s.substring(0, sep).toUpperCase(Locale.ROOT);
            String host = s.substring(sep + 3, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new ConfigException(key, value, "invalid port in '" + s + "'");
            }
            if (port < 0 || port > 65535) {
                throw new ConfigException(key, value, "port out of range in '" + s + "'");
            }
            if (endpoints.stream().anyMatch(e -> e.listenerName.equals(name))) {
                throw new ConfigException(key, value, "listener " + name + " appears twice");
            }
            endpoints.add(new Endpoint(name, host, port));
        }
        return endpoints;
    }

    @Override
    public String toString() {
        return listenerName + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
