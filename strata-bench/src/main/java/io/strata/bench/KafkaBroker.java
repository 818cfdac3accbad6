package io.strata.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * The reference Apache Kafka broker ({@code kafka.Kafka}, the version of our kafka-clients pin): KRaft with broker
 * and controller combined in one node, its log dir formatted with {@code kafka.tools.StorageTool} before the first
 * start. Kafka's defaults otherwise: no fsync per request (the page cache holds writes), as for Strata.
 */
public final class KafkaBroker extends Broker {

    private final Path logbackConfig;
    private boolean formatted;

    public KafkaBroker(Jvm jvm, Path dir, ChildProcesses children, Path logbackConfig) {
        super(jvm, dir, children);
        this.logbackConfig = logbackConfig;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    protected List<String> command() throws IOException, InterruptedException {
        Path config = writeConfig();
        if (!formatted) {
            format(config);
            formatted = true;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(jvm.java());
        cmd.addAll(jvmFlags());
        cmd.add("-Dlogback.configurationFile=" + logbackConfig);
        cmd.add("-cp");
        cmd.add(jvm.benchClassPath());
        cmd.add("kafka.Kafka");
        cmd.add(config.toString());
        return cmd;
    }

    private Path writeConfig() throws IOException {
        Files.createDirectories(dataDir());
        Path file = dir.resolve("server.properties");
        String listeners = "PLAINTEXT://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":" + controllerPort;
        List<String> lines = new ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + HOST + ":" + controllerPort,
                "listeners=" + listeners,
                "advertised.listeners=PLAINTEXT://" + HOST + ":" + clientPort,
                "inter.broker.listener.name=PLAINTEXT",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + dataDir(),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0"));
        // log.flush.interval.* stay unset: Kafka does not fsync per request.
        lines.removeIf(l -> configOverrides().containsKey(l.substring(0, l.indexOf('='))));
        configOverrides().forEach((k, v) -> lines.add(k + "=" + v));
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    private void format(Path config) throws IOException, InterruptedException {
        Path out = dir.resolve("format.out");
        List<String> cmd = jvm.tool(logbackConfig, "kafka.tools.StorageTool",
                List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--ignore-formatted"));
        Process p = children.start(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()));
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            ChildProcesses.kill9(p);
            throw new IOException("kafka-storage format failed; see " + out + ":\n" + tail(out));
        }
    }
}
