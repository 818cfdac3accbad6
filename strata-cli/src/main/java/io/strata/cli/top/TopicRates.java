package io.strata.cli.top;

import java.util.HashMap;
import java.util.Map;

/**
 * The per-topic counters that {@code strata top} reads from the nodes' Prometheus {@code /metrics}
 * ({@code kafka_server_brokertopicmetrics_bytesin_total}, {@code ..._messagesin_total}, {@code ..._bytesout_total}),
 * summed over the nodes scraped. Immutable.
 */
record TopicRates(Map<String, Counters> byTopic) {

    /** One topic's counters (totals since the nodes started). */
    record Counters(double bytesIn, double messagesIn, double bytesOut) {
        Counters plus(Counters o) {
            return new Counters(bytesIn + o.bytesIn, messagesIn + o.messagesIn, bytesOut + o.bytesOut);
        }
    }

    TopicRates {
        byTopic = Map.copyOf(byTopic);
    }

    /** The counters found in a Prometheus text-format scrape. */
    static TopicRates parse(String scrape) {
        Map<String, Counters> out = new HashMap<>();
        for (String line : scrape.split("\n")) {
            if (!line.startsWith("kafka_server_brokertopicmetrics_")) {
                continue;
            }
            int brace = line.indexOf('{');
            int end = line.lastIndexOf('}');
            if (brace < 0 || end < brace) {
                continue;
            }
            String name = line.substring(0, brace);
            Counters c = switch (name) {
                case "kafka_server_brokertopicmetrics_bytesin_total" -> new Counters(value(line, end), 0, 0);
                case "kafka_server_brokertopicmetrics_messagesin_total" -> new Counters(0, value(line, end), 0);
                case "kafka_server_brokertopicmetrics_bytesout_total" -> new Counters(0, 0, value(line, end));
                default -> null;
            };
            String topic = label(line.substring(brace + 1, end), "topic");
            if (c != null && topic != null) {
                out.merge(topic, c, Counters::plus);
            }
        }
        return new TopicRates(out);
    }

    /** These counters plus {@code other}'s (another node's). */
    TopicRates plus(TopicRates other) {
        Map<String, Counters> sum = new HashMap<>(byTopic);
        other.byTopic.forEach((t, c) -> sum.merge(t, c, Counters::plus));
        return new TopicRates(sum);
    }

    private static double value(String line, int labelsEnd) {
        String rest = line.substring(labelsEnd + 1).trim();
        int space = rest.indexOf(' ');
        return Double.parseDouble(space < 0 ? rest : rest.substring(0, space));
    }

    /** The unescaped value of label {@code name} in {@code a="x",b="y"}, or null. */
    static String label(String labels, String name) {
        int i = 0;
        while (i < labels.length()) {
            int eq = labels.indexOf('=', i);
            if (eq < 0 || eq + 1 >= labels.length() || labels.charAt(eq + 1) != '"') {
                return null;
            }
            String key = labels.substring(i, eq).trim();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < labels.length() && labels.charAt(j) != '"'; j++) {
                char c = labels.charAt(j);
                if (c == '\\' && j + 1 < labels.length()) {
                    char n = labels.charAt(++j);
                    value.append(n == 'n' ? '\n' : n);
                } else {
                    value.append(c);
                }
            }
            if (key.equals(name)) {
                return value.toString();
            }
            i = labels.indexOf(',', j);
            if (i < 0) {
                return null;
            }
            i++;
        }
        return null;
    }
}
