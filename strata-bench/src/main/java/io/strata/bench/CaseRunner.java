package io.strata.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Runs one case once against one broker and measures it: creates the case's topic on first use (and fills the
 * topic of a consume case, unmeasured), checks the broker advertises the APIs the tool needs, runs the tool, and
 * charges the broker's CPU and peak memory to the run. Not thread-safe.
 */
final class CaseRunner {

    /** What Kafka's ConsumerPerformance needs beyond produce/fetch: a consumer group. */
    static final List<ApiKeys> GROUP_APIS = List.of(ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP,
            ApiKeys.SYNC_GROUP, ApiKeys.HEARTBEAT, ApiKeys.OFFSET_FETCH);

    private final Tools tools;
    private final Optional<SaslSslSetup> saslSsl;
    private final Set<String> prepared = new HashSet<>();

    /** {@code saslSsl}: the brokers' SASL_SSL listener, present when a selected case needs it. */
    CaseRunner(Tools tools, Optional<SaslSslSetup> saslSsl) {
        this.tools = tools;
        this.saslSsl = saslSsl;
    }

    Sample run(BenchCase c, Broker broker, Broker other, int run) throws IOException, InterruptedException {
        String b = broker.name();
        Optional<String> missing = missingApis(c, broker);
        if (missing.isPresent()) {
            return Sample.without(b, run, "n/a (" + b + " does not advertise " + missing.get() + ")");
        }
        Optional<String> prep = prepare(c, broker);
        if (prep.isPresent()) {
            return Sample.without(b, run, "FAIL (" + prep.get() + ")");
        }
        String name = c.id() + "-" + b + "-r" + run;
        ProcFs.resetPeakRss(broker.pid());
        CpuWindow cpu = new CpuWindow(broker.pid(), other.pid());
        Optional<Path> clientConfig = c.saslSsl() ? saslSsl.map(SaslSslSetup::clientConfig) : Optional.empty();
        String bootstrap = c.saslSsl() ? broker.secureBootstrap() : broker.bootstrap();
        Tools.Result result = switch (c.kind()) {
            case PRODUCE -> tools.producerPerformance(name, bootstrap, clientConfig, c.topic(), c.records(),
                    c.recordSize(), c.acks(), c.lingerMs());
            case CONSUME -> tools.consumerPerformance(name, bootstrap, clientConfig, c.topic(), c.records(),
                    "bench-" + name + "-" + System.nanoTime());
            case E2E -> tools.e2eLatency(name, broker.bootstrap(), c.topic(), c.records(), c.rate(), c.acks(),
                    c.recordSize());
            case WIRE_PRODUCE -> tools.wireLoad(name, WireArgs.Mode.PRODUCE, broker, c, c.records());
            case WIRE_FETCH -> tools.wireLoad(name, WireArgs.Mode.FETCH, broker, c, c.records());
            case TXN -> tools.txnLatency(name, broker.bootstrap(), c);
        };
        cpu.end();
        double peakRssMb = ProcFs.peakRssKb(broker.pid()).orElse(0) / 1024.0;
        Optional<Sample.Metrics> metrics = switch (c.kind()) {
            case PRODUCE -> ToolOutput.producer(result.output()).map(s -> new Sample.Metrics(s.recordsPerSec(),
                    s.mbPerSec(), s.p50Ms(), s.p99Ms(), s.p999Ms(), cpu.brokerCpuSec(),
                    s.records() * (double) c.recordSize() / (1024 * 1024), peakRssMb, cpu.clientCpuSec(),
                    cpu.otherPct()));
            case CONSUME -> ToolOutput.consumer(result.output()).map(s -> new Sample.Metrics(s.fetchRecordsPerSec(),
                    s.fetchMbPerSec(), Double.NaN, Double.NaN, Double.NaN, cpu.brokerCpuSec(), s.mb(), peakRssMb,
                    cpu.clientCpuSec(), cpu.otherPct()));
            case E2E, TXN -> ToolOutput.latency(result.output()).map(s -> new Sample.Metrics(s.recordsPerSec(),
                    s.recordsPerSec() * c.recordSize() / (1024 * 1024), s.p50Us() / 1000.0, s.p99Us() / 1000.0,
                    s.p999Us() / 1000.0, cpu.brokerCpuSec(), s.records() * (double) c.recordSize() / (1024 * 1024),
                    peakRssMb, cpu.clientCpuSec(), cpu.otherPct()));
            case WIRE_PRODUCE, WIRE_FETCH -> ToolOutput.wire(result.output()).map(s -> new Sample.Metrics(
                    s.recordsPerSec(), s.mibPerSec(), s.p50Us() / 1000.0, s.p99Us() / 1000.0, s.p999Us() / 1000.0,
                    cpu.brokerCpuSec(), s.bytes() / (1024.0 * 1024), peakRssMb, cpu.clientCpuSec(), cpu.otherPct()));
        };
        if (c.kind() == BenchCase.Kind.CONSUME) {
            // ConsumerPerformance exits 0 when its timeout cuts the run short: a partial read is no figure.
            Optional<Long> consumed = ToolOutput.consumer(result.output()).map(ToolOutput.ConsumerSummary::records);
            if (consumed.isPresent() && consumed.get() < c.records()) {
                return Sample.without(b, run, "FAIL (consumed " + consumed.get() + " of " + c.records()
                        + " records before the tool's timeout; see " + result.file() + ")");
            }
        }
        if (!result.ok() || metrics.isEmpty()) {
            return Sample.without(b, run, "FAIL (exit " + result.exitCode() + ": " + result.lastLine() + "; see "
                    + result.file() + ")");
        }
        return Sample.of(b, run, metrics.get());
    }

    private static Optional<String> missingApis(BenchCase c, Broker broker) throws IOException {
        if (c.kind() != BenchCase.Kind.CONSUME) {
            return Optional.empty();
        }
        Set<ApiKeys> advertised = KafkaWire.advertisedApis(Broker.HOST, broker.clientPort);
        List<ApiKeys> missing = GROUP_APIS.stream().filter(k -> !advertised.contains(k)).toList();
        return missing.isEmpty() ? Optional.empty()
                : Optional.of(missing.stream().map(ApiKeys::name).toList() + ": consumer groups, which"
                        + " ConsumerPerformance needs");
    }

    /**
     * Creates the topic (and the idle topic, and fills a consume or fetch topic) once per broker; returns why that
     * failed, if it did.
     */
    private Optional<String> prepare(BenchCase c, Broker broker) throws IOException, InterruptedException {
        // A case with idle fetchers shares its topic with the case without, but also needs the idle topic.
        String key = broker.name() + "/" + c.topic() + (c.idleFetchers() > 0 ? "+" + BenchCase.IDLE_TOPIC : "");
        if (prepared.contains(key)) {
            return Optional.empty();
        }
        Optional<String> created = createTopic(broker.bootstrap(), c.topic(), c.partitions());
        if (created.isEmpty() && c.idleFetchers() > 0) {
            created = createTopic(broker.bootstrap(), BenchCase.IDLE_TOPIC, BenchCase.IDLE_PARTITIONS);
        }
        if (created.isPresent()) {
            return created;
        }
        if (c.kind() == BenchCase.Kind.WIRE_FETCH) {
            BenchMain.progress("preloading " + c.records() / 2 + " x " + c.recordSize() + " B into " + c.topic()
                    + " on " + broker.name() + " (not measured)");
            Tools.Result r = tools.wireLoad("preload-" + c.id() + "-" + broker.name(), WireArgs.Mode.PRODUCE, broker,
                    c, c.records() / 2);
            if (!r.ok() || ToolOutput.wire(r.output()).isEmpty()) {
                return Optional.of("preload failed: " + r.lastLine());
            }
        }
        if (c.kind() == BenchCase.Kind.CONSUME) {
            BenchMain.progress("preloading " + c.records() + " x " + c.recordSize() + " B into " + c.topic() + " on "
                    + broker.name() + " (not measured)");
            Tools.Result r = tools.producerPerformance("preload-" + c.id() + "-" + broker.name(), broker.bootstrap(),
                    c.topic(), c.records(), c.recordSize(), c.acks(), c.lingerMs());
            if (!r.ok() || ToolOutput.producer(r.output()).isEmpty()) {
                return Optional.of("preload failed: " + r.lastLine());
            }
        }
        prepared.add(key);
        return Optional.empty();
    }

    static Optional<String> createTopic(String bootstrap, String topic, int partitions) throws InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)
                    .configs(Map.of()))).all().get(60, TimeUnit.SECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return Optional.empty();
            }
            return Optional.of("create topic " + topic + ": " + e.getCause());
        } catch (TimeoutException e) {
            return Optional.of("create topic " + topic + " timed out");
        }
    }
}
