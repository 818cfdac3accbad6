package io.strata.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * The SASL_SSL side of the {@code sasl-ssl-*} cases, the same for both brokers: one self-signed certificate for
 * 127.0.0.1 (made with the JDK's {@code keytool}), a listener named {@code SECURE} with SCRAM-SHA-512 beside the
 * plaintext one (which the harness keeps for readiness checks, topic creation and preloads), one SCRAM user created
 * through the Admin API, and the client properties file the tools read. Immutable once created.
 */
final class SaslSslSetup {

    static final String LISTENER = "SECURE";
    private static final String USER = "bench";
    private static final String SECRET = "bench-secret";
    private static final String STORE_PASSWORD = "bench-store";

    private final Path keyStore;
    private final Path trustStore;
    private final Path clientConfig;

    private SaslSslSetup(Path keyStore, Path trustStore, Path clientConfig) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.clientConfig = clientConfig;
    }

    /** Makes the key store, trust store and client properties under {@code dir}. */
    static SaslSslSetup create(Path dir, Jvm jvm, ChildProcesses children) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path keyStore = dir.resolve("broker.p12");
        Path cert = dir.resolve("broker.crt");
        Path trustStore = dir.resolve("truststore.p12");
        Path keytool = jvm.javaHome().resolve("bin").resolve("keytool");
        keytool(children, dir, List.of(keytool.toString(), "-genkeypair", "-alias", "broker", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "30", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD,
                "-keypass", STORE_PASSWORD));
        keytool(children, dir, List.of(keytool.toString(), "-exportcert", "-rfc", "-alias", "broker",
                "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD, "-file", cert.toString()));
        keytool(children, dir, List.of(keytool.toString(), "-importcert", "-noprompt", "-alias", "broker",
                "-file", cert.toString(), "-storetype", "PKCS12", "-keystore", trustStore.toString(),
                "-storepass", STORE_PASSWORD));
        Path clientConfig = dir.resolve("client.properties");
        List<String> lines = new ArrayList<>();
        clientProperties(trustStore).forEach((k, v) -> lines.add(k + "=" + v));
        Files.write(clientConfig, lines);
        return new SaslSslSetup(keyStore, trustStore, clientConfig);
    }

    /** The client properties file ({@code --producer.config}, {@code --consumer.config}). */
    Path clientConfig() {
        return clientConfig;
    }

    /**
     * The broker configs (Kafka's names, which Strata reads too) of the {@code SECURE} listener on
     * {@code securePort}, beside the broker's plaintext client listener and its controller listener.
     */
    Map<String, String> brokerConfigs(int clientPort, int controllerPort, int securePort) {
        String prefix = "listener.name." + LISTENER.toLowerCase() + ".";
        Map<String, String> c = new LinkedHashMap<>();
        c.put("listeners", "PLAINTEXT://" + Broker.HOST + ":" + clientPort + ",CONTROLLER://" + Broker.HOST + ":"
                + controllerPort + "," + LISTENER + "://" + Broker.HOST + ":" + securePort);
        c.put("advertised.listeners", "PLAINTEXT://" + Broker.HOST + ":" + clientPort + "," + LISTENER + "://"
                + Broker.HOST + ":" + securePort);
        c.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT," + LISTENER + ":SASL_SSL");
        c.put("inter.broker.listener.name", "PLAINTEXT");
        c.put(prefix + "sasl.enabled.mechanisms", "SCRAM-SHA-512");
        c.put(prefix + "scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        c.put(prefix + "ssl.keystore.location", keyStore.toString());
        c.put(prefix + "ssl.keystore.password", STORE_PASSWORD);
        c.put(prefix + "ssl.keystore.type", "PKCS12");
        c.put(prefix + "ssl.key.password", STORE_PASSWORD);
        return c;
    }

    /**
     * Creates the SCRAM user through the broker's plaintext listener, then waits until a client authenticates over
     * the secure one (the credential reaches the SASL server through the metadata log).
     */
    void addUser(Broker broker, Duration timeout) throws IOException, InterruptedException {
        Properties plain = new Properties();
        plain.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (Admin admin = Admin.create(plain)) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), SECRET))).all()
                    .get(timeout.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("creating SCRAM user on " + broker.name() + " failed: " + e, e);
        }
        Properties secure = new Properties();
        secure.putAll(clientProperties(trustStore));
        secure.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.secureBootstrap());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Admin admin = Admin.create(secure)) {
                admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("no SASL_SSL login to " + broker.name() + " within " + timeout + ": " + e,
                            e);
                }
                Thread.sleep(200); // the credential is on its way through the metadata log
            }
        }
    }

    private static Map<String, String> clientProperties(Path trustStore) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + USER + "\" password=\"" + SECRET + "\";");
        p.put("ssl.truststore.location", trustStore.toString());
        p.put("ssl.truststore.password", STORE_PASSWORD);
        p.put("ssl.truststore.type", "PKCS12");
        return p;
    }

    private static void keytool(ChildProcesses children, Path dir, List<String> cmd)
            throws IOException, InterruptedException {
        Path out = dir.resolve("keytool.out");
        Process p = children.start(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()));
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            ChildProcesses.kill9(p);
            throw new IOException("keytool failed: " + String.join(" ", cmd) + "\n" + Broker.tail(out));
        }
    }
}
