import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The billing service: one instance of the consumer group {@code billing} (run two and they share
 * {@code user-events}' partitions). It reads every event with the newest schema it knows, v2, as its reader schema:
 * Avro resolves each event from the schema it was written with (looked up by the id in the payload), so v1 events
 * get v2's default plan. Commits after each batch; stops cleanly on SIGTERM.
 *
 * <p>Usage: {@code BillingService INSTANCE BOOTSTRAP REGISTRY_URL SCHEMA_DIR}.
 */
public final class BillingService {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A writer schema from the registry, with its subject version for the log. */
    record Writer(Schema schema, int version) {
    }

    public static void main(String[] args) throws Exception {
        String instance = args[0];
        String registry = args[2];
        Schema reader = new Schema.Parser().parse(Path.of(args[3], "user-event-v2.avsc").toFile());
        Map<Integer, Writer> writers = new HashMap<>();
        Map<String, Object> props = Map.of("bootstrap.servers", args[1], "group.id", "billing",
                "client.id", instance, "auto.offset.reset", "earliest", "enable.auto.commit", false);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            consumer.wakeup();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try (consumer) {
            consumer.subscribe(List.of("user-events"), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    say(instance, "assigned partitions " + consumer.assignment().stream()
                            .map(TopicPartition::partition).sorted().toList());
                }
            });
            while (true) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    ByteBuffer payload = ByteBuffer.wrap(r.value());
                    if (payload.get() != 0) {
                        say(instance, "skipped partition=" + r.partition() + " offset=" + r.offset()
                                + ": not in the schema registry's wire format");
                        continue;
                    }
                    int id = payload.getInt();
                    Writer writer = writers.computeIfAbsent(id, i -> writer(registry, i));
                    GenericRecord event = new GenericDatumReader<GenericRecord>(writer.schema(), reader).read(null,
                            DecoderFactory.get().binaryDecoder(r.value(), 5, r.value().length - 5, null));
                    boolean defaulted = writer.schema().getField("plan") == null;
                    say(instance, "user=" + r.key() + " event=" + event.get("type") + " written-with=v"
                            + writer.version() + " (schema id " + id + ") plan=" + event.get("plan")
                            + (defaulted ? " (v2's default)" : "") + " partition=" + r.partition()
                            + " offset=" + r.offset());
                }
                consumer.commitSync();
            }
        } catch (WakeupException e) {
            say(instance, "stopping");
        } finally {
            stopped.countDown();
        }
    }

    static Writer writer(String registry, int id) {
        JsonNode schema = get(registry + "/schemas/ids/" + id);
        JsonNode versions = get(registry + "/schemas/ids/" + id + "/versions");
        return new Writer(new Schema.Parser().parse(schema.get("schema").asText()),
                versions.get(0).get("version").asInt());
    }

    static JsonNode get(String url) {
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException("GET " + url + " failed: " + e, e);
        }
    }

    static void say(String instance, String line) {
        System.out.println("[" + instance + "] " + line);
        System.out.flush();
    }
}
