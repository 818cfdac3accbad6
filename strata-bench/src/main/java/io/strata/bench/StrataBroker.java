package io.strata.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Strata node ({@code io.strata.cli.StrataCli server}) from the distribution in {@code strata-cli/target}, with
 * the same heap and GC flags as the Kafka broker, plus the class-data sharing archive that {@code bin/strata
 * server} uses (it is how Strata ships). Its defaults do not fsync per request, like Kafka's.
 */
public final class StrataBroker extends Broker {

    public StrataBroker(Jvm jvm, Path dir, ChildProcesses children) {
        super(jvm, dir, children);
    }

    @Override
    public String name() {
        return "strata";
    }

    /**
     * As bin/strata does: an archive older than any jar on the class path (strata.jar or a module's jar in lib/)
     * no longer matches it, and the JVM does not reliably replace it (it then runs without class-data sharing).
     */
    private void dropStaleArchive() throws IOException {
        Path archive = jvm.strataCdsArchive();
        if (!Files.exists(archive)) {
            return;
        }
        FileTime made = Files.getLastModifiedTime(archive);
        List<Path> jars = new ArrayList<>(List.of(archive.resolveSibling("strata.jar")));
        try (Stream<Path> lib = Files.list(archive.resolveSibling("lib"))) {
            lib.filter(p -> p.toString().endsWith(".jar")).forEach(jars::add);
        }
        for (Path jar : jars) {
            if (Files.exists(jar) && Files.getLastModifiedTime(jar).compareTo(made) > 0) {
                // deleteIfExists: the nodes of a cluster start (and check) at the same time.
                Files.deleteIfExists(archive);
                return;
            }
        }
    }

    @Override
    protected List<String> command() throws IOException {
        Files.createDirectories(dataDir());
        List<String> cmd = new ArrayList<>();
        cmd.add(jvm.java());
        cmd.addAll(jvmFlags());
        dropStaleArchive();
        cmd.add("-XX:SharedArchiveFile=" + jvm.strataCdsArchive());
        cmd.add("-XX:+AutoCreateSharedArchive");
        cmd.add("-Xlog:cds=off");
        cmd.add("-Xlog:cds+dynamic=off");
        cmd.add("-cp");
        cmd.add(jvm.strataClassPath());
        cmd.add("io.strata.cli.StrataCli");
        cmd.add("server");
        // The harness's defaults (a single node) first; configs set with config() replace them, key by key.
        Map<String, String> props = new LinkedHashMap<>();
        props.put("node.id", "1");
        props.put("listeners", "PLAINTEXT://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":"
                + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort);
        props.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        props.put("log.dirs", dataDir().toString());
        props.put("http.listeners", "HTTP://" + HOST + ":0"); // several nodes per host: never the default port
        props.putAll(configOverrides());
        props.forEach((k, v) -> {
            cmd.add("--override");
            cmd.add(k + "=" + v);
        });
        return cmd;
    }
}
