package io.strata.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * {@code bench http}: the schema registry's lookups and the HTTP proxy's produce throughput on one Strata node
 * (a child JVM with the broker flags {@code compare} uses), driven over HTTP/1.1 keep-alive by
 * {@code --clients} client threads in this JVM: every case first runs for {@code --warmup} seconds unmeasured,
 * then each is warmed up again and measured for {@code --seconds}.
 * There is no Apache Kafka column: Kafka ships neither a registry nor an HTTP proxy, so the figures are absolute.
 *
 * <p>Cases: {@code GET /schemas/ids/{id}} (what a deserializer asks for an id it has not seen), the lookup
 * {@code POST /subjects/{s}} and the registration of an already registered schema
 * {@code POST /subjects/{s}/versions} (what a serializer asks on its first use of a schema), then v2 produce of
 * batches of {@code --batch} JSON records, the same as Avro with {@code value_schema_id}, and v3 streamed produce
 * (one chunked request of {@value #STREAM_RECORDS} records after another per client, each well within the HTTP
 * server's 10 s request limit). Not thread-safe: one run.
 */
final class HttpCommand {

    static final String TOPIC = "bench-http";
    static final String SUBJECT = TOPIC + "-value";
    static final int STREAM_RECORDS = 2_000;
    static final String SCHEMA = "{\"type\":\"record\",\"name\":\"Payment\",\"fields\":[{\"name\":\"id\",\"type\":"
            + "\"string\"},{\"name\":\"plan\",\"type\":\"string\"},{\"name\":\"amount\",\"type\":\"long\"},"
            + "{\"name\":\"note\",\"type\":\"string\"}]}";

    /** Parsed command line. */
    record Options(int clients, int seconds, int warmupSeconds, int batch, int partitions, String cases,
                   boolean keep, String commandLine) {
        static Options parse(String[] args) {
            int clients = 4;
            int seconds = 10;
            int warmup = 3;
            int batch = 100;
            int partitions = 3;
            String cases = ".*";
            boolean keep = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--clients" -> clients = positive(BenchArgs.value(args, ++i, "--clients"), "--clients");
                    case "--seconds" -> seconds = positive(BenchArgs.value(args, ++i, "--seconds"), "--seconds");
                    case "--warmup" -> warmup = positive(BenchArgs.value(args, ++i, "--warmup"), "--warmup");
                    case "--batch" -> batch = positive(BenchArgs.value(args, ++i, "--batch"), "--batch");
                    case "--partitions" -> partitions = positive(BenchArgs.value(args, ++i, "--partitions"),
                            "--partitions");
                    case "--cases" -> cases = BenchArgs.value(args, ++i, "--cases");
                    case "--keep" -> keep = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + BenchMain.USAGE);
                }
            }
            return new Options(clients, seconds, warmup, batch, partitions, cases, keep,
                    ("bin/strata bench http " + String.join(" ", args)).strip());
        }

        private static int positive(String v, String option) {
            try {
                int n = Integer.parseInt(v);
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException(option + " needs a whole number of at least 1, not " + v);
        }
    }

    /** One measured case: requests and records done in the measured window, with each request's latency. */
    record Result(String name, long requests, long records, long valueBytes, double seconds, Histogram latencyUs) {

        double requestsPerSec() {
            return requests / seconds;
        }

        double recordsPerSec() {
            return records / seconds;
        }

        double valueMiBPerSec() {
            return valueBytes / seconds / (1024 * 1024);
        }
    }

    /** One client's repeated request: returns the records it carried (1 for a lookup). */
    @FunctionalInterface
    interface Op {
        long run() throws Exception;
    }

    private HttpCommand() {
    }

    static int run(Options opts) throws Exception {
        Path work = BenchMain.workDir();
        Jvm jvm = Jvm.detect(BenchMain.strataHome());
        String loadAtStart = ProcFs.loadAverage();
        String date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        int httpPort = Broker.freePort();
        List<Result> results = new ArrayList<>();
        try (ChildProcesses children = new ChildProcesses();
             StrataBroker strata = new StrataBroker(jvm, work.resolve("strata"), children)) {
            strata.config("http.listeners", "HTTP://" + Broker.HOST + ":" + httpPort);
            Duration started = strata.start(Duration.ofSeconds(120));
            BenchMain.progress("strata serving on " + strata.bootstrap() + " and HTTP port " + httpPort + " after "
                    + Report.fmt(started.toMillis() / 1000.0, 2) + " s");
            CaseRunner.createTopic(strata.bootstrap(), TOPIC, opts.partitions()).ifPresent(e -> {
                throw new IllegalStateException(e);
            });
            String base = "http://" + Broker.HOST + ":" + httpPort;
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            String registry = base + "/schema-registry";
            String schemaBody = "{\"schema\":" + quote(SCHEMA) + "}";
            String registered = awaitHttp(http, post(registry + "/subjects/" + SUBJECT + "/versions",
                    "application/vnd.schemaregistry.v1+json", schemaBody)).body();
            int id = Integer.parseInt(field(registered, "id"));
            String clusterId = field(send(http, HttpRequest.newBuilder(URI.create(base + "/v3/clusters")).build())
                    .body(), "cluster_id");

            List<NamedCase> cases = List.of(
                    new NamedCase("registry GET /schemas/ids/{id}", () -> {
                        HttpRequest r = HttpRequest.newBuilder(URI.create(registry + "/schemas/ids/" + id)).build();
                        return () -> expect(http, r, 200, 1);
                    }, 0),
                    new NamedCase("registry POST /subjects/{s} (lookup)", () -> {
                        HttpRequest r = post(registry + "/subjects/" + SUBJECT,
                                "application/vnd.schemaregistry.v1+json", schemaBody);
                        return () -> expect(http, r, 200, 1);
                    }, 0),
                    new NamedCase("registry POST /subjects/{s}/versions (registered)", () -> {
                        HttpRequest r = post(registry + "/subjects/" + SUBJECT + "/versions",
                                "application/vnd.schemaregistry.v1+json", schemaBody);
                        return () -> expect(http, r, 200, 1);
                    }, 0),
                    new NamedCase("proxy v2 JSON produce, " + opts.batch() + " records/request", () -> {
                        HttpRequest r = post(base + "/topics/" + TOPIC, "application/vnd.kafka.json.v2+json",
                                v2Batch(opts.batch(), false, id));
                        return () -> expect(http, r, 200, opts.batch());
                    }, valueBytes()),
                    new NamedCase("proxy v2 Avro produce, " + opts.batch() + " records/request", () -> {
                        HttpRequest r = post(base + "/topics/" + TOPIC, "application/vnd.kafka.avro.v2+json",
                                v2Batch(opts.batch(), true, id));
                        return () -> expect(http, r, 200, opts.batch());
                    }, valueBytes()),
                    new NamedCase("proxy v3 streamed JSON produce, " + STREAM_RECORDS + " records/stream", () -> {
                        byte[] stream = v3Stream(STREAM_RECORDS);
                        URI uri = URI.create(base + "/v3/clusters/" + clusterId + "/topics/" + TOPIC + "/records");
                        return () -> stream(http, uri, stream);
                    }, valueBytes()));
            // The whole HTTP path (server, registry, proxy, producer) is compiled before any case is measured, so
            // that the first case does not pay for the others' warm-up.
            BenchMain.progress("warm-up of every case, " + opts.warmupSeconds() + " s each (not measured)");
            for (NamedCase c : cases) {
                measure(c.name(), opts.clients(), Duration.ZERO, Duration.ofSeconds(opts.warmupSeconds()), c.op(), 0);
            }
            for (NamedCase c : cases) {
                if (!Pattern.compile(opts.cases()).matcher(c.name()).find()) {
                    continue;
                }
                BenchMain.progress(c.name() + ": " + opts.clients() + " clients, " + opts.warmupSeconds()
                        + " s warm-up, " + opts.seconds() + " s measured");
                Result r = measure(c.name(), opts.clients(), Duration.ofSeconds(opts.warmupSeconds()),
                        Duration.ofSeconds(opts.seconds()), c.op(), c.valueBytes());
                BenchMain.progress("  " + Report.fmt(r.requestsPerSec(), 0) + " requests/s, "
                        + Report.fmt(r.recordsPerSec(), 0) + " records/s");
                results.add(r);
                if (!strata.alive()) {
                    throw new IllegalStateException("strata (pid " + strata.pid() + ") died; see " + strata.output());
                }
            }
        } finally {
            if (!opts.keep()) {
                BenchMain.deleteTree(work.resolve("strata/data"));
            }
            BenchMain.progress("broker stopped; logs in " + work);
        }
        System.out.print(table(date, opts, loadAtStart, ProcFs.loadAverage(), results));
        return 0;
    }

    private record NamedCase(String name, Supplier<Op> op, long valueBytes) {
    }

    /** Runs {@code clients} copies of the op: a warm-up, then the measured window; any failure ends the run. */
    static Result measure(String name, int clients, Duration warmup, Duration measured, Supplier<Op> factory,
                          long valueBytesPerRecord) throws Exception {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + measured.toNanos();
        List<Future<long[]>> futures = new ArrayList<>();
        List<Histogram> histograms = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int i = 0; i < clients; i++) {
                Histogram h = new Histogram(60_000_000L, 3);
                histograms.add(h);
                Op op = factory.get();
                Callable<long[]> client = () -> {
                    long requests = 0;
                    long records = 0;
                    while (true) {
                        long t0 = System.nanoTime();
                        if (t0 >= end) {
                            return new long[] {requests, records};
                        }
                        long n = op.run();
                        long t1 = System.nanoTime();
                        // Only requests begun and ended in the window count, so that rates are not inflated.
                        if (t0 >= measureFrom && t1 <= end) {
                            requests++;
                            records += n;
                            h.recordValue(Math.min((t1 - t0) / 1000, 60_000_000L));
                        }
                    }
                };
                futures.add(pool.submit(client));
            }
            long requests = 0;
            long records = 0;
            for (Future<long[]> f : futures) {
                long[] done = f.get();
                requests += done[0];
                records += done[1];
            }
            Histogram all = new Histogram(60_000_000L, 3);
            histograms.forEach(all::add);
            return new Result(name, requests, records, records * valueBytesPerRecord,
                    measured.toNanos() / 1e9, all);
        }
    }

    /** Sends and checks the status; returns {@code records}. */
    private static long expect(HttpClient http, HttpRequest request, int status, long records) throws Exception {
        HttpResponse<String> response = send(http, request);
        if (response.statusCode() != status || response.body().contains("\"error_code\":1")
                || response.body().contains("\"error_code\":2,")) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                    + response.statusCode() + ": " + abbreviate(response.body()));
        }
        return records;
    }

    /** One chunked v3 stream; returns the records acknowledged with error_code 200, failing on any other. */
    private static long stream(HttpClient http, URI uri, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        HttpResponse<java.util.stream.Stream<String>> response = http.send(request,
                HttpResponse.BodyHandlers.ofLines());
        long ok;
        try (java.util.stream.Stream<String> lines = response.body()) {
            List<String> bad = new ArrayList<>();
            ok = lines.filter(line -> {
                boolean acked = line.startsWith("{\"error_code\":200");
                if (!acked && bad.isEmpty()) {
                    bad.add(line);
                }
                return acked;
            }).count();
            if (!bad.isEmpty()) {
                throw new IllegalStateException("v3 stream result: " + abbreviate(bad.getFirst()));
            }
        }
        return ok;
    }

    /** The first request: the HTTP server starts just after the Kafka listener the broker's start waits for. */
    private static HttpResponse<String> awaitHttp(HttpClient http, HttpRequest request) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                HttpResponse<String> response = send(http, request);
                if (response.statusCode() == 200) {
                    return response;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the registry answered " + response.statusCode() + ": "
                            + abbreviate(response.body()));
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest post(String url, String contentType, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** A record's value: about 100 bytes of JSON (the Avro encoding of the same fields is smaller). */
    static String value(int i) {
        return String.format(Locale.ROOT, "{\"id\":\"user-%06d\",\"plan\":\"pro\",\"amount\":%d,\"note\":\"%s\"}",
                i, 1000 + i, "x".repeat(40));
    }

    private static long valueBytes() {
        return value(0).length();
    }

    static String v2Batch(int records, boolean avro, int schemaId) {
        StringBuilder body = new StringBuilder(avro ? "{\"value_schema_id\":" + schemaId + "," : "{");
        body.append("\"records\":[");
        for (int i = 0; i < records; i++) {
            // Avro records carry no key: a key would need a key schema too.
            body.append(i == 0 ? "" : ",").append(avro ? "{" : "{\"key\":\"k" + i + "\",").append("\"value\":")
                    .append(value(i)).append('}');
        }
        return body.append("]}").toString();
    }

    static byte[] v3Stream(int records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < records; i++) {
            out.writeBytes(("{\"key\":{\"type\":\"STRING\",\"data\":\"k" + i + "\"},\"value\":{\"type\":\"JSON\","
                    + "\"data\":" + value(i) + "}}\n").getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A top-level field of a small JSON answer, as text (no JSON library in this module's main path). */
    static String field(String json, String name) throws IOException {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"?([^\",}\\]]+)").matcher(json);
        if (!m.find()) {
            throw new IOException("no " + name + " in " + abbreviate(json));
        }
        return m.group(1);
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    static String table(String date, Options opts, String loadStart, String loadEnd, List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append("# bench http ").append(date).append('\n');
        out.append("command: ").append(opts.commandLine()).append('\n');
        out.append("machine: ").append(BenchMain.hostDescription()).append(", ").append(BenchMain.javaDescription())
                .append('\n');
        out.append("load average at start: ").append(loadStart).append(", at end: ").append(loadEnd).append('\n');
        out.append("clients: ").append(opts.clients()).append(" (HTTP/1.1 keep-alive), ").append(opts.warmupSeconds())
                .append(" s warm-up, ").append(opts.seconds()).append(" s measured per case; topic ").append(TOPIC)
                .append(" with ").append(opts.partitions()).append(" partitions; values of ").append(valueBytes())
                .append(" bytes of JSON\n\n");
        out.append(String.format(Locale.ROOT, "| %-58s | %10s | %10s | %8s | %9s | %9s |%n", "case", "requests/s",
                "records/s", "MiB/s", "p50 ms", "p99 ms"));
        out.append("|").append("-".repeat(60)).append("|").append("-".repeat(12)).append("|").append("-".repeat(12))
                .append("|").append("-".repeat(10)).append("|").append("-".repeat(11)).append("|")
                .append("-".repeat(11)).append("|\n");
        for (Result r : results) {
            out.append(String.format(Locale.ROOT, "| %-58s | %10s | %10s | %8s | %9s | %9s |%n", r.name(),
                    Report.fmt(r.requestsPerSec(), 0), Report.fmt(r.recordsPerSec(), 0),
                    r.valueBytes() == 0 ? "-" : Report.fmt(r.valueMiBPerSec(), 1),
                    Report.fmt(r.latencyUs().getValueAtPercentile(50) / 1000.0, 2),
                    Report.fmt(r.latencyUs().getValueAtPercentile(99) / 1000.0, 2)));
        }
        out.append("\nMiB/s: record values (the JSON text sent). p50/p99: per request (a whole stream for v3).\n");
        return out.toString();
    }
}
