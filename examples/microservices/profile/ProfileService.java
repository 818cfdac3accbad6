import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The profile service: owns users' profiles and publishes what happens to them on {@code user-events}, keyed by user
 * id, as Avro in the schema registry's wire format (magic byte 0, 4-byte schema id, Avro binary). It registers
 * v1 of the schema, publishes sign-ups, has an incompatible v2 refused, registers the compatible v2 (a new field
 * with a default) and publishes plan changes with it.
 *
 * <p>Usage: {@code ProfileService BOOTSTRAP REGISTRY_URL SCHEMA_DIR [GO_FILE]}: creates the topic (three
 * partitions) and sets the subject's compatibility, then, once GO_FILE exists (when given: run.sh creates it when the
 * consumers are ready), registers and publishes. Plain Kafka clients, Apache Avro and the registry's REST API: no
 * serializer library needed, to show what one does.
 */
public final class ProfileService {

    static final String TOPIC = "user-events";
    static final String SUBJECT = TOPIC + "-value"; // Confluent's TopicNameStrategy
    static final List<String> USERS = List.of("u1", "u2", "u3", "u4", "u5", "u6");
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String registry = args[1];
        Path schemas = Path.of(args[2]);
        setup(bootstrap, registry);
        if (args.length > 3) {
            Path go = Path.of(args[3]);
            while (!Files.exists(go)) {
                Thread.sleep(50);
            }
        }
        publish(bootstrap, registry, schemas);
    }

    static void setup(String bootstrap, String registry) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
            say("created topic " + TOPIC + " with 3 partitions");
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        call(registry, "PUT", "/config/" + SUBJECT, Map.of("compatibility", "BACKWARD"));
        say("compatibility of " + SUBJECT + " is BACKWARD");
    }

    static void publish(String bootstrap, String registry, Path schemas) throws Exception {
        Map<String, Object> props = Map.of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", 0);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            Schema v1 = new Schema.Parser().parse(schemas.resolve("user-event-v1.avsc").toFile());
            int id1 = register(registry, v1, 1);
            for (String user : USERS) {
                GenericRecord event = event(v1, user, "SIGNED_UP");
                send(producer, user, id1, event, "v1");
            }

            String refused = Files.readString(schemas.resolve("user-event-v2-refused.avsc"));
            JsonNode answer = call(registry, "POST", "/subjects/" + SUBJECT + "/versions",
                    Map.of("schema", refused));
            say("refused a v2 without a default for 'plan': " + answer.path("message").asText() + " (error "
                    + answer.path("error_code").asInt() + ")");

            Schema v2 = new Schema.Parser().parse(schemas.resolve("user-event-v2.avsc").toFile());
            int id2 = register(registry, v2, 2);
            for (String user : USERS) {
                GenericRecord event = event(v2, user, "PLAN_CHANGED");
                event.put("plan", user.hashCode() % 2 == 0 ? "pro" : "team");
                send(producer, user, id2, event, "v2");
            }
        }
        say("done: published " + USERS.size() * 2 + " events");
    }

    static GenericRecord event(Schema schema, String user, String type) {
        GenericRecord event = new GenericData.Record(schema);
        event.put("userId", user);
        event.put("type", new GenericData.EnumSymbol(schema.getField("type").schema(), type));
        event.put("email", user + "@example.com");
        event.put("at", System.currentTimeMillis());
        return event;
    }

    static int register(String registry, Schema schema, int expectedVersion) throws Exception {
        JsonNode registered = call(registry, "POST", "/subjects/" + SUBJECT + "/versions",
                Map.of("schema", schema.toString()));
        if (!registered.has("id")) {
            throw new IllegalStateException("registration refused: " + registered);
        }
        JsonNode found = call(registry, "POST", "/subjects/" + SUBJECT, Map.of("schema", schema.toString()));
        int version = found.get("version").asInt();
        say("registered " + SUBJECT + " version " + version + " (schema id " + registered.get("id").asInt() + ")"
                + (version == expectedVersion ? "" : ", expected version " + expectedVersion));
        return registered.get("id").asInt();
    }

    static void send(KafkaProducer<String, byte[]> producer, String user, int schemaId, GenericRecord event,
                     String version) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(5).put((byte) 0).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(event.getSchema()).write(event, encoder);
        RecordMetadata at = producer.send(new ProducerRecord<>(TOPIC, user, out.toByteArray())).get();
        say("sent " + version + " user=" + user + " event=" + event.get("type")
                + (event.getSchema().getField("plan") != null ? " plan=" + event.get("plan") : "")
                + " partition=" + at.partition() + " offset=" + at.offset());
    }

    /** One registry call; the answer's JSON, also for errors (Confluent's {"error_code","message"}). */
    static JsonNode call(String registry, String method, String path, Object body) throws IOException,
            InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(registry + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
        return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    static void say(String line) {
        System.out.println("[profile] " + line);
        System.out.flush();
    }
}
