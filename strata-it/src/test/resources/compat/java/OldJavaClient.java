// An older kafka-clients (2.8, 3.x) driven by io.strata.it.compat.OlderJavaClientsIT, which compiles it against the
// very version it then runs it with (that version's jar alone on the classpath); it therefore uses only API present
// in every version tested.
//
// Usage: OldJavaClient BOOTSTRAP COMMAND ARGS...
//   admin TOPIC PARTITIONS        create, describe, list, delete a topic; one line per step
//   produce TOPIC                 idempotent acks=all producer; KEY<TAB>VALUE lines on stdin; prints
//                                 PARTITION<TAB>OFFSET<TAB>KEY<TAB>VALUE per acknowledged record
//   consume TOPIC PARTITIONS N    assign() every partition, seek to the beginning, print N records as above
//   group TOPIC GROUP N [PROTOCOL] subscribe() in GROUP, print N records as above, commitSync(), then print
//                                 "committed<TAB>PARTITION<TAB>OFFSET" per partition; PROTOCOL sets
//                                 group.protocol (3.7 and later: classic or consumer)
//   transactions TOPIC TXNID N    transactional producer: commits N records commit-1-I, aborts N records abort-2-I
//                                 (acknowledged before the abort), commits N records commit-3-I; prints
//                                 "transaction<TAB>NUMBER<TAB>OUTCOME" per transaction
// Exits non-zero on any error.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class OldJavaClient {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        switch (args[1]) {
            case "admin" -> admin(bootstrap, args[2], Integer.parseInt(args[3]));
            case "produce" -> produce(bootstrap, args[2]);
            case "consume" -> consume(bootstrap, args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "group" -> group(bootstrap, args[2], args[3], Integer.parseInt(args[4]),
                    args.length > 5 ? args[5] : null);
            case "transactions" -> transactions(bootstrap, args[2], args[3], Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException("unknown command " + args[1]);
        }
    }

    static void admin(String bootstrap, String topic, int partitions) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            System.out.println("created\t" + topic);
            @SuppressWarnings("deprecation") // all() is the only accessor in every version tested
            TopicDescription description = admin.describeTopics(List.of(topic)).all().get().get(topic);
            System.out.println("described\t" + description.name() + "\t" + description.partitions().size() + "\t"
                    + description.partitions().get(0).leader().id());
            System.out.println("listed\t" + admin.listTopics().names().get().contains(topic));
            admin.deleteTopics(List.of(topic)).all().get();
            System.out.println("deleted\t" + topic);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (admin.listTopics().names().get().contains(topic)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(topic + " still listed after deletion");
                }
            }
            System.out.println("gone\t" + topic);
        }
    }

    static void produce(String bootstrap, String topic) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("enable.idempotence", "true"); // not the default before 3.0
        p.put("compression.type", "gzip");
        p.put("linger.ms", "5");
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        List<String[]> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line.split("\t", 2));
            }
        }
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (String[] kv : lines) {
                futures.add(producer.send(new ProducerRecord<>(topic, kv[0], kv[1])));
            }
            producer.flush();
        }
        for (int i = 0; i < lines.size(); i++) {
            RecordMetadata meta = futures.get(i).get();
            System.out.println(meta.partition() + "\t" + meta.offset() + "\t" + lines.get(i)[0] + "\t"
                    + lines.get(i)[1]);
        }
    }

    static KafkaConsumer<String, String> consumer(String bootstrap, String group, String protocol) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        if (group != null) {
            p.put("group.id", group);
        }
        if (protocol != null) {
            p.put("group.protocol", protocol);
        }
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    static void consume(String bootstrap, String topic, int partitions, int count) {
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, null, null)) {
            List<TopicPartition> assignment = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                assignment.add(new TopicPartition(topic, i));
            }
            consumer.assign(assignment);
            consumer.seekToBeginning(assignment);
            print(consumer, count);
        }
    }

    static void group(String bootstrap, String topic, String group, int count, String protocol) {
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, group, protocol)) {
            consumer.subscribe(Collections.singletonList(topic));
            print(consumer, count);
            consumer.commitSync();
            Map<TopicPartition, OffsetAndMetadata> committed = new TreeMap<>(
                    (a, b) -> Integer.compare(a.partition(), b.partition()));
            committed.putAll(consumer.committed(consumer.assignment()));
            committed.forEach((tp, o) -> System.out.println("committed\t" + tp.partition() + "\t" + o.offset()));
        }
    }

    static void print(KafkaConsumer<String, String> consumer, int count) {
        int seen = 0;
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (seen < count && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                System.out.println(r.partition() + "\t" + r.offset() + "\t" + r.key() + "\t" + r.value());
                seen++;
            }
        }
        if (seen < count) {
            throw new IllegalStateException("read " + seen + " of " + count + " records");
        }
    }

    static void transactions(String bootstrap, String topic, String transactionalId, int count) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("transactional.id", transactionalId);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            producer.initTransactions();
            for (int n = 1; n <= 3; n++) {
                String outcome = n == 2 ? "abort" : "commit";
                producer.beginTransaction();
                for (int i = 0; i < count; i++) {
                    producer.send(new ProducerRecord<>(topic, "k-" + i, outcome + "-" + n + "-" + i));
                }
                // Acknowledged first, so that an aborted transaction's records are in the log, not just dropped.
                producer.flush();
                if (n == 2) {
                    producer.abortTransaction();
                } else {
                    producer.commitTransaction();
                }
                System.out.println("transaction\t" + n + "\t" + outcome);
            }
        }
    }
}
