package io.strata.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code bench compare}: starts Apache Kafka and Strata side by side (child JVMs, same heap and GC flags,
 * temporary data dirs, ephemeral 127.0.0.1 ports), runs every case against both in alternating order (Kafka,
 * Strata, Kafka, Strata...) and prints the report. Every child process is stopped at the end, also on failure
 * and Ctrl-C.
 */
final class CompareCommand {

    /** Parsed command line. */
    record Options(boolean quick, int runs, Pattern cases, boolean json, boolean keep, String commandLine,
                   Map<String, String> strataConfigs, int scrapeSeconds) {
        static Options parse(String[] args) {
            Map<String, String> strataConfigs = new LinkedHashMap<>();
            int scrapeSeconds = 0;
            boolean quick = false;
            boolean keep = false;
            int runs = -1;
            Pattern cases = Pattern.compile(".");
            boolean json = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> quick = true;
                    case "--keep" -> keep = true;
                    case "--runs" -> runs = Integer.parseInt(BenchArgs.value(args, ++i, "--runs"));
                    case "--cases" -> cases = Pattern.compile(BenchArgs.value(args, ++i, "--cases"));
                    case "--output" -> json = BenchArgs.jsonOutput(BenchArgs.value(args, ++i, "--output"));
                    case "--strata-config" -> {
                        String kv = BenchArgs.value(args, ++i, "--strata-config");
                        int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--strata-config takes KEY=VALUE, got " + kv);
                        }
                        strataConfigs.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                    case "--scrape-http" -> scrapeSeconds = Integer.parseInt(BenchArgs.value(args, ++i,
                            "--scrape-http"));
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + BenchMain.USAGE);
                }
            }
            if (runs < 0) {
                runs = quick ? 1 : 2;
            }
            if (runs < 1) {
                throw new IllegalArgumentException("--runs must be at least 1");
            }
            if (scrapeSeconds > 0 && strataConfigs.getOrDefault("http.listeners", "x").isBlank()) {
                throw new IllegalArgumentException("--scrape-http needs Strata's HTTP listener");
            }
            return new Options(quick, runs, cases, json, keep, "bin/strata bench compare " + String.join(" ", args),
                    Map.copyOf(strataConfigs), scrapeSeconds);
        }
    }

    private CompareCommand() {
    }


    static int run(Options opts) throws Exception {
        List<BenchCase> cases = BenchCase.matrix(opts.quick(), opts.cases());
        if (cases.isEmpty()) {
            System.err.println("no case matches " + opts.cases());
            return 2;
        }
        Path work = BenchMain.workDir();
        Jvm jvm = Jvm.detect(BenchMain.strataHome());
        String loadAtStart = ProcFs.loadAverage();
        String date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        BenchMain.progress("work dir " + work + " (raw tool output in raw/); " + cases.size() + " case(s) x "
                + opts.runs() + " run(s) x 2 brokers");
        List<String> notes = new ArrayList<>();
        List<Report.CaseResult> results = new ArrayList<>();
        try (ChildProcesses children = new ChildProcesses();
             KafkaBroker kafka = new KafkaBroker(jvm, work.resolve("kafka"), children,
                     work.resolve("broker-logback.xml"));
             StrataBroker strata = new StrataBroker(jvm, work.resolve("strata"), children)) {
            opts.strataConfigs().forEach(strata::config);
            Optional<String> httpAddress = Optional.empty();
            if (opts.scrapeSeconds() > 0) {
                httpAddress = Optional.of(Broker.HOST + ":" + Broker.freePort());
                strata.config("http.listeners", "HTTP://" + httpAddress.get());
            }
            Tools tools = new Tools(jvm, children, work.resolve("tools-logback.xml"), work.resolve("raw"),
                    Duration.ofMinutes(5));
            Optional<SaslSslSetup> saslSsl = Optional.empty();
            if (cases.stream().anyMatch(BenchCase::saslSsl)) {
                BenchMain.progress("making a certificate for the SASL_SSL listener (same for both brokers)");
                saslSsl = Optional.of(SaslSslSetup.create(work.resolve("sasl-ssl"), jvm, children));
                kafka.saslSsl(saslSsl.get());
                strata.saslSsl(saslSsl.get());
            }
            for (Broker b : List.of(kafka, strata)) {
                BenchMain.progress("starting " + b.name());
                Duration d = b.start(Duration.ofSeconds(120));
                if (saslSsl.isPresent()) {
                    saslSsl.get().addUser(b, Duration.ofSeconds(60));
                }
                BenchMain.progress(b.name() + " serving on " + b.bootstrap() + " (pid " + b.pid() + ") after "
                        + Report.fmt(d.toMillis() / 1000.0, 2) + " s");
                notes.add(b.name() + ": pid " + b.pid() + ", launch to first Metadata " + Report.fmt(d.toMillis()
                        / 1000.0, 2) + " s (cold, empty log)");
            }
            Optional<HttpScraper> scraper = httpAddress.map(a -> new HttpScraper(a,
                    Duration.ofSeconds(opts.scrapeSeconds())));
            warmUp(kafka, strata, tools, opts.quick());
            CpuWindow overall = new CpuWindow(kafka.pid(), strata.pid());
            CaseRunner runner = new CaseRunner(tools, saslSsl);
            for (BenchCase c : cases) {
                List<Sample> samples = new ArrayList<>();
                for (int run = 1; run <= opts.runs(); run++) {
                    for (Broker b : List.of(kafka, strata)) {
                        Broker other = b == kafka ? strata : kafka;
                        ensureAlive(b);
                        BenchMain.progress(c.id() + " run " + run + " on " + b.name());
                        Sample s = runner.run(c, b, other, run);
                        BenchMain.progress("  " + s.metrics().map(m -> Report.fmt(m.recordsPerSec(), 0) + " rec/s, "
                                + Report.fmt(m.mbPerSec(), 1) + " MiB/s, p99 " + Report.fmt(m.p99Ms(), 3) + " ms, "
                                + Report.fmt(m.cpuSecPerMb(), 4) + " cpu_s/MiB, other " + Report.fmt(m.otherPct(), 0)
                                + "%").orElseGet(() -> s.reason().orElse("?")));
                        samples.add(s);
                    }
                }
                results.add(new Report.CaseResult(c, samples));
            }
            overall.end();
            scraper.ifPresent(sc -> {
                sc.close();
                notes.add("strata's HTTP listener: /metrics and / requested every " + opts.scrapeSeconds()
                        + " s during the runs: " + sc.summary());
            });
            if (!opts.strataConfigs().isEmpty()) {
                notes.add("strata configs: " + opts.strataConfigs());
            }
            notes.add("durability: neither broker fsyncs per request (Kafka defaults; Strata defaults); acks=all on"
                    + " one node = leader append");
            if (saslSsl.isPresent()) {
                notes.add("sasl-ssl cases: a SASL_SSL listener on both brokers, SCRAM-SHA-512 (8192 iterations), TLS"
                        + " as the JDK negotiates it with one self-signed RSA 2048 certificate; the plaintext cases"
                        + " are the baseline");
            }
            notes.add("broker JVMs: " + String.join(" ", Jvm.BROKER_FLAGS) + " (Strata also maps its class-data"
                    + " archive, as bin/strata server does)");
            Report.Context ctx = new Report.Context(date, opts.commandLine(), BenchMain.hostDescription(),
                    BenchMain.javaDescription(), BenchMain.kafkaVersion(), loadAtStart, ProcFs.loadAverage(),
                    overall.otherPct(), notes);
            System.out.print(opts.json() ? Report.json(ctx, results) : Report.table(ctx, results));
            return 0;
        } finally {
            if (!opts.keep()) {
                BenchMain.deleteTree(work.resolve("kafka/data"));
                BenchMain.deleteTree(work.resolve("strata/data"));
            }
            BenchMain.progress("brokers stopped; logs in " + work);
        }
    }

    private static void ensureAlive(Broker b) {
        if (!b.alive()) {
            throw new IllegalStateException(b.name() + " (pid " + b.pid() + ") died; see its output in its dir");
        }
    }

    /** Unmeasured produce traffic so that both JVMs have compiled their hot paths before the first case. */
    private static void warmUp(Broker kafka, Broker strata, Tools tools, boolean quick) throws Exception {
        long n = quick ? 200_000 : 500_000;
        for (Broker b : List.of(kafka, strata)) {
            BenchMain.progress("warm-up: " + n + " x 100 B to " + b.name() + " (not measured)");
            CaseRunner.createTopic(b.bootstrap(), "bench-warmup", 1);
            Tools.Result r = tools.producerPerformance("warmup-" + b.name(), b.bootstrap(), "bench-warmup", n, 100,
                    "1", 5);
            if (!r.ok()) {
                BenchMain.progress("warm-up on " + b.name() + " failed: " + r.lastLine());
            }
        }
    }
}
