package io.strata.cli.top;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.output.Output;
import io.strata.cli.output.OutputOption;
import io.strata.cli.output.Table;
import io.strata.cli.output.Units;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code strata top}: a live view of the cluster, redrawn every {@code --interval}: throughput per topic (bytes and
 * records in, bytes out, per second, from the counters of every node's {@code /metrics}) and lag per consumer group
 * (from the Admin API, with how fast it changes). {@code --once} takes two samples one interval apart and prints
 * one frame (a table, or with {@code --output json} one document:
 * {@code {"time","intervalMs","topics":[{"topic","bytesInPerSec","messagesInPerSec","bytesOutPerSec"}],
 * "groups":[{"group","state","members","lag","lagChangePerSec"}],"notes":[...]}}).
 */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = "Live view: throughput per topic and lag per consumer group, refreshed every --interval.")
public final class TopCommand extends AdminCommand {

    private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(5);

    @Mixin
    OutputOption output;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s", converter = IntervalConverter.class,
            description = "Time between refreshes: 500ms, 2s (default), 1m; a bare number is seconds.")
    Duration interval;

    @Option(names = "--once", description = "Print one frame (rates over one interval) and exit.")
    boolean once;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
            description = "Rows per table: the busiest topics and the most lagging groups (default 20).")
    int limit;

    @Option(names = "--metrics", paramLabel = "URL",
            description = "A node's metrics endpoint (http://host:9190/metrics); repeatable. Default: every broker's "
                    + "host on --http-port.")
    List<URI> metrics = new ArrayList<>();

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "9190",
            description = "The nodes' HTTP port (http.listeners) when --metrics is not given (default 9190).")
    int httpPort;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(SCRAPE_TIMEOUT).build();

    /** What one sample read: the counters, the groups, and what could not be read. */
    private record Sample(long nanos, TopicRates rates, GroupLags groups, List<String> notes) {
    }

    @Override
    protected void validate() {
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1");
        }
    }

    @Override
    protected int run(Admin admin) {
        Output out = Output.of(spec, output.format());
        List<URI> endpoints = metrics.isEmpty() ? defaultEndpoints(admin) : metrics;
        Sample previous = sample(admin, endpoints);
        while (true) {
            sleep(interval);
            Sample current = sample(admin, endpoints);
            Map<String, Object> frame = frame(previous, current);
            if (once) {
                print(out, frame, false);
                return 0;
            }
            print(out, frame, true);
            previous = current;
        }
    }

    private List<URI> defaultEndpoints(Admin admin) {
        return io.strata.cli.client.Await.get(admin.describeCluster().nodes()).stream()
                .sorted(Comparator.comparingInt(Node::id))
                .map(n -> URI.create("http://" + n.host() + ":" + httpPort + "/metrics")).toList();
    }

    private Sample sample(Admin admin, List<URI> endpoints) {
        List<String> notes = new ArrayList<>();
        TopicRates rates = new TopicRates(Map.of());
        for (URI uri : endpoints) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(SCRAPE_TIMEOUT)
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    notes.add("cannot read " + uri + ": HTTP " + response.statusCode());
                } else {
                    rates = rates.plus(TopicRates.parse(response.body()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            } catch (Exception e) {
                notes.add("cannot read " + uri + ": " + e);
            }
        }
        return new Sample(System.nanoTime(), rates, GroupLags.read(admin), notes);
    }

    private Map<String, Object> frame(Sample before, Sample after) {
        long nanos = after.nanos - before.nanos;
        List<Map<String, Object>> topics = new ArrayList<>();
        after.rates.byTopic().forEach((topic, now) -> {
            TopicRates.Counters then = before.rates.byTopic().getOrDefault(topic, now);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("topic", topic);
            row.put("bytesInPerSec", rate(then.bytesIn(), now.bytesIn(), nanos));
            row.put("messagesInPerSec", rate(then.messagesIn(), now.messagesIn(), nanos));
            row.put("bytesOutPerSec", rate(then.bytesOut(), now.bytesOut(), nanos));
            topics.add(row);
        });
        topics.sort(Comparator.<Map<String, Object>>comparingDouble(r -> -(double) r.get("bytesInPerSec"))
                .thenComparing(r -> (String) r.get("topic")));
        List<Map<String, Object>> groups = new ArrayList<>();
        for (GroupLags.Lag g : after.groups.all()) {
            GroupLags.Lag then = before.groups.byGroup().get(g.group());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("group", g.group());
            row.put("state", g.state());
            row.put("members", g.members());
            row.put("lag", g.lag());
            row.put("lagChangePerSec", then == null ? null : (g.lag() - then.lag()) * 1e9 / nanos);
            groups.add(row);
        }
        groups.sort(Comparator.<Map<String, Object>>comparingLong(r -> -(long) r.get("lag"))
                .thenComparing(r -> (String) r.get("group")));
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("time", Instant.now().toString());
        frame.put("intervalMs", nanos / 1_000_000);
        frame.put("topics", topics.subList(0, Math.min(limit, topics.size())));
        frame.put("groups", groups.subList(0, Math.min(limit, groups.size())));
        frame.put("notes", after.notes);
        return frame;
    }

    private static double rate(double before, double after, long nanos) {
        // A counter that went down (a node restarted) starts over: its new total is the best estimate.
        double delta = after >= before ? after - before : after;
        return nanos <= 0 ? 0 : delta * 1e9 / nanos;
    }

    @SuppressWarnings("unchecked")
    private void print(Output out, Map<String, Object> frame, boolean redraw) {
        if (out.isJson()) {
            out.json(frame);
            return;
        }
        if (redraw && System.console() != null) {
            out.record("\033[H\033[2J");
        }
        out.line("strata top  " + frame.get("time") + "  (rates over " + frame.get("intervalMs") + " ms)");
        out.line("");
        Table topics = Table.of("TOPIC", "BYTES-IN/S", "RECORDS-IN/S", "BYTES-OUT/S");
        for (Map<String, Object> t : (List<Map<String, Object>>) frame.get("topics")) {
            topics.row(t.get("topic"), Units.bytes(Math.round((double) t.get("bytesInPerSec"))),
                    Units.decimal((double) t.get("messagesInPerSec"), 1),
                    Units.bytes(Math.round((double) t.get("bytesOutPerSec"))));
        }
        out.table(topics);
        out.line("");
        Table groups = Table.of("GROUP", "STATE", "MEMBERS", "LAG", "LAG-CHANGE/S");
        for (Map<String, Object> g : (List<Map<String, Object>>) frame.get("groups")) {
            Object change = g.get("lagChangePerSec");
            groups.row(g.get("group"), g.get("state"), g.get("members"), Units.count((long) g.get("lag")),
                    change == null ? null : String.format(Locale.ROOT, "%+,.1f", (double) change));
        }
        out.table(groups);
        ((List<String>) frame.get("notes")).forEach(out::note);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** {@code 500ms}, {@code 2s}, {@code 1m}, or a bare number of seconds; at least 100 ms. */
    static final class IntervalConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            Duration d;
            try {
                if (v.endsWith("ms")) {
                    d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                } else if (v.endsWith("s")) {
                    d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
                } else if (v.endsWith("m")) {
                    d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
                } else {
                    d = Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a duration: " + value + " (e.g. 500ms, 2s, 1m)");
            }
            if (d.toMillis() < 100) {
                throw new IllegalArgumentException("at least 100ms");
            }
            return d;
        }
    }
}
