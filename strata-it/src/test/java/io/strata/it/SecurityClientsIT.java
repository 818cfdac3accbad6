package io.strata.it;

import static io.strata.it.SecuredNode.ADMIN_JAAS;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Produce and consume over {@link SecuredNode}'s SASL_SSL listener (and its SSL listener with a client
 * certificate) with clients no one here wrote, each with its own TLS and SCRAM: kcat (librdkafka),
 * confluent-kafka-python and KafkaJS.
 */
class SecurityClientsIT {

    @TempDir
    Path dir;

    private static SecuredNode node;

    @BeforeAll
    static void shareTheNode() throws Exception {
        node = SecuredNode.shared();
    }

    @Test
    void kcatProducesAndConsumesOverSaslSslAndMutualTls() throws Exception {
        // librdkafka, a client no one here wrote, with its own TLS (OpenSSL) and SASL/SCRAM.
        Path kcat = Arrays.stream(System.getenv("PATH").split(java.io.File.pathSeparator))
                .map(d -> Path.of(d, "kcat")).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new AssertionError("kcat is not installed (`apt-get install kcat`)"));
        try (Admin admin = Admin.create(node.saslSslClient(ADMIN_JAAS))) {
            admin.createTopics(List.of(new NewTopic("kcat-secured", 1, (short) 1))).all().get();
        }
        List<String> scram = List.of("-b", node.saslSsl(), "-X", "security.protocol=SASL_SSL", "-X",
                "sasl.mechanisms=SCRAM-SHA-512", "-X", "sasl.username=admin", "-X", "sasl.password=admin-secret",
                "-X", "ssl.ca.location=" + node.certs().caPem());
        List<String> mutual = List.of("-b", node.ssl(), "-X", "security.protocol=SSL", "-X",
                "ssl.ca.location=" + node.certs().caPem(), "-X", "ssl.keystore.location=" + node.clientKeyStore(), "-X",
                "ssl.keystore.password=" + TestCertificates.PASSWORD);
        run(kcat, scram, "one\ntwo\n", "-P", "-t", "kcat-secured", "-X", "acks=all");
        run(kcat, mutual, "three\n", "-P", "-t", "kcat-secured", "-X", "acks=all");
        assertThat(run(kcat, scram, "", "-C", "-t", "kcat-secured", "-o", "beginning", "-e", "-q").lines())
                .containsExactly("one", "two", "three");
        assertThat(run(kcat, mutual, "", "-C", "-t", "kcat-secured", "-o", "beginning", "-e", "-q").lines())
                .containsExactly("one", "two", "three");
    }

    @Test
    void confluentKafkaPythonProducesAndConsumesOverSaslSsl() throws Exception {
        // Debian's python3 with its python3-confluent-kafka (as ConfluentKafkaPythonIT runs it).
        Path python = Path.of("/usr/bin/python3");
        try (Admin admin = Admin.create(node.saslSslClient(ADMIN_JAAS))) {
            admin.createTopics(List.of(new NewTopic("python-secured", 1, (short) 1))).all().get();
        }
        String script = String.join("\n",
                "import sys",
                "from confluent_kafka import Consumer, Producer",
                "conf = {'bootstrap.servers': sys.argv[1], 'security.protocol': 'SASL_SSL',",
                "        'sasl.mechanisms': 'SCRAM-SHA-512', 'sasl.username': 'admin',",
                "        'sasl.password': 'admin-secret', 'ssl.ca.location': sys.argv[2]}",
                "producer = Producer(dict(conf, acks='all'))",
                "producer.produce('python-secured', b'from python')",
                "assert producer.flush(30) == 0, 'not delivered'",
                "consumer = Consumer(dict(conf, **{'group.id': 'python-secured', 'auto.offset.reset': 'earliest'}))",
                "consumer.subscribe(['python-secured'])",
                "for _ in range(60):",
                "    message = consumer.poll(1)",
                "    if message is not None:",
                "        assert message.error() is None, message.error()",
                "        print(message.value().decode())",
                "        break",
                "consumer.close()");
        ProcessBuilder builder = new ProcessBuilder(python.toString(), "-c", script, node.saslSsl(),
                node.certs().caPem().toString());
        // Nothing from a developer's Python environment may leak into Debian's python3.
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin");
        Path stderr = Files.createTempFile(dir, "python", ".err");
        Process process = builder.redirectError(stderr.toFile()).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).as("python finished").isTrue();
        assertThat(process.exitValue()).as("python: %s", Files.readString(stderr)).isZero();
        assertThat(out.lines()).containsExactly("from python");
    }

    @Test
    void kafkaJsProducesAndConsumesOverSaslSsl() throws Exception {
        // KafkaJS as KafkaJsIT installs it (`.ci/run --deps-only`): Node's own TLS, KafkaJS's own SCRAM.
        Path modules = Path.of(System.getProperty("compat.dir", "target/compat")).resolve("kafkajs/node_modules");
        assertThat(modules.resolve("kafkajs/package.json")).as("KafkaJS installed by `.ci/run --deps-only`")
                .isRegularFile();
        try (Admin admin = Admin.create(node.saslSslClient(ADMIN_JAAS))) {
            admin.createTopics(List.of(new NewTopic("js-secured", 1, (short) 1))).all().get();
        }
        String script = String.join("\n",
                "const { Kafka, logLevel } = require('kafkajs');",
                "const fs = require('fs');",
                "const kafka = new Kafka({ clientId: 'js-secured', brokers: [process.argv[1]],",
                "  logLevel: logLevel.NOTHING, ssl: { ca: [fs.readFileSync(process.argv[2], 'utf-8')] },",
                "  sasl: { mechanism: 'scram-sha-512', username: 'admin', password: 'admin-secret' } });",
                "(async () => {",
                "  const producer = kafka.producer();",
                "  await producer.connect();",
                "  await producer.send({ topic: 'js-secured', acks: -1, messages: [{ value: 'from kafkajs' }] });",
                "  await producer.disconnect();",
                "  const consumer = kafka.consumer({ groupId: 'js-secured' });",
                "  await consumer.connect();",
                "  await consumer.subscribe({ topic: 'js-secured', fromBeginning: true });",
                "  await new Promise((resolve, reject) => consumer.run({ eachMessage: async ({ message }) => {",
                "    console.log(message.value.toString()); resolve(); } }).catch(reject));",
                "  await consumer.disconnect();",
                "})().catch(e => { console.error(e); process.exit(1); });");
        ProcessBuilder builder = new ProcessBuilder("node", "-e", script, node.saslSsl(), node.certs().caPem().toString());
        builder.environment().put("NODE_PATH", modules.toAbsolutePath().toString());
        Path stderr = Files.createTempFile(dir, "kafkajs", ".err");
        Process process = builder.redirectError(stderr.toFile()).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).as("node finished").isTrue();
        assertThat(process.exitValue()).as("kafkajs: %s", Files.readString(stderr)).isZero();
        assertThat(out.lines()).containsExactly("from kafkajs");
    }

    private String run(Path kcat, List<String> connection, String stdin, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(kcat.toString()));
        command.addAll(connection);
        command.addAll(List.of(args));
        Path stderr = Files.createTempFile(dir, "kcat", ".err");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("kcat finished").isTrue();
        assertThat(process.exitValue()).as("kcat %s: %s", command, Files.readString(stderr)).isZero();
        return out;
    }
}
