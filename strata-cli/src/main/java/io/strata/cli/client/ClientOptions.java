package io.strata.cli.client;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Option;

/**
 * The connection options every cluster command shares (a picocli mixin) and the Kafka clients built from them.
 *
 * <p>Client properties are layered: the CLI's defaults (short timeouts, so that a missing broker is reported in
 * seconds rather than after Kafka's minutes), then the {@code --command-config} file, then the command's own
 * flags ({@code --bootstrap-server}, {@code --acks}...), which win.
 *
 * <p>Not thread-safe; the clients it creates are owned and closed by the caller.
 */
public final class ClientOptions {

    /** The CLI's default for {@code default.api.timeout.ms}: long enough for a busy broker, short for a dead one. */
    static final int DEFAULT_TIMEOUT_MS = 15_000;

    @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:STRATA_BOOTSTRAP_SERVER:-localhost:9092}",
            description = "Broker(s) to connect to (default: $STRATA_BOOTSTRAP_SERVER, else localhost:9092).")
    String bootstrapServer;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Properties file with extra client settings (security, timeouts...).")
    Path commandConfig;

    public String bootstrap() {
        return bootstrapServer;
    }

    /** The request timeout in effect, for messages. */
    public Duration timeout() {
        Object v = base().get(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG);
        try {
            return Duration.ofMillis(Long.parseLong(String.valueOf(v).trim()));
        } catch (NumberFormatException e) {
            return Duration.ofMillis(DEFAULT_TIMEOUT_MS);
        }
    }

    public Admin admin() {
        Map<String, Object> props = base();
        requireReachable();
        props.keySet().retainAll(AdminClientConfig.configNames());
        return Admin.create(props);
    }

    /** A producer of raw bytes; {@code overrides} are the command's own flags. */
    public KafkaProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
        Map<String, Object> props = base();
        requireReachable();
        int timeout = (int) timeout().toMillis();
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                Math.max(2 * timeout, intOf(props.get(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG), timeout)
                        + 1000));
        props.putAll(overrides);
        props.keySet().retainAll(ProducerConfig.configNames());
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A consumer of raw bytes; {@code overrides} are the command's own flags. */
    public KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> overrides) {
        Map<String, Object> props = base();
        requireReachable();
        // Reading a misspelt topic must not create it.
        props.putIfAbsent(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.putAll(overrides);
        props.keySet().retainAll(ConsumerConfig.configNames());
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Fails at once when no bootstrap server accepts a TCP connection: the Kafka clients would retry silently until
     * their timeout, and a person waiting 15 s to learn that nothing listens is badly served. A broker that accepts
     * connections but does not answer is still caught by the clients' timeouts (see {@link Errors}).
     */
    private void requireReachable() {
        if (!Errors.anyReachable(bootstrapServer)) {
            throw new CliException(Errors.unreachable(bootstrapServer));
        }
    }

    private Map<String, Object> base() {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "strata-cli");
        props.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, DEFAULT_TIMEOUT_MS);
        props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, DEFAULT_TIMEOUT_MS);
        props.putAll(fileProperties());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServer);
        // Kafka refuses a request timeout above the API timeout: keep them consistent when only one is set.
        int api = intOf(props.get(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG), DEFAULT_TIMEOUT_MS);
        int request = intOf(props.get(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG), DEFAULT_TIMEOUT_MS);
        if (request > api) {
            props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, api);
        }
        return props;
    }

    private Map<String, String> fileProperties() {
        Map<String, String> result = new HashMap<>();
        if (commandConfig == null) {
            return result;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(commandConfig, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new CliException("cannot read --command-config " + commandConfig + ": " + e.getMessage());
        }
        p.stringPropertyNames().forEach(k -> result.put(k, p.getProperty(k).trim()));
        return result;
    }

    private static int intOf(Object value, int fallback) {
        try {
            return Integer.parseInt(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
