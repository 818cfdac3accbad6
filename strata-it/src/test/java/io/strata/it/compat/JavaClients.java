package io.strata.it.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The current Java client (the project's kafka-clients version) as the reference on the other side of a client
 * under test: it creates topics, writes what the client under test must read and reads what it wrote. Stateless.
 */
final class JavaClients {

    /** A text record; values carry their sequence number as {@code value-<n>-...} so that order can be checked. */
    record Line(String key, String value) {

        int sequence() {
            return Integer.parseInt(value.split("-")[1]);
        }

        /** The lines as {@code key<TAB>value} input for {@code kcat -P -K '\t'}. */
        static String asKcatInput(List<Line> lines) {
            StringBuilder sb = new StringBuilder();
            lines.forEach(l -> sb.append(l.key()).append('\t').append(l.value()).append('\n'));
            return sb.toString();
        }
    }

    /** A record as it was stored: where, and what. */
    record Acked(int partition, long offset, Line line) {
    }

    private JavaClients() {
    }

    static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return Admin.create(p);
    }

    static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    static List<Line> lines(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> new Line("key-" + (i % 17), "value-" + i + "-" + "x".repeat(i % 50)))
                .toList();
    }

    /** Writes the lines with an idempotent acks=all producer and returns where each was stored, in send order. */
    static List<Acked> produce(String bootstrap, String topic, List<Line> lines) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (Line line : lines) {
                futures.add(producer.send(new ProducerRecord<>(topic, line.key(), line.value())));
            }
            producer.flush();
        }
        List<Acked> acked = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            RecordMetadata meta = futures.get(i).get();
            acked.add(new Acked(meta.partition(), meta.offset(), lines.get(i)));
        }
        return acked;
    }

    /**
     * Reads {@code expected} records from every partition of the topic from the beginning (with {@code assign()},
     * no group), then checks that nothing more follows; each partition's records are in offset order.
     */
    static List<Acked> read(String bootstrap, String topic, int partitions, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<Acked> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> assignment = IntStream.range(0, partitions)
                    .mapToObj(i -> new TopicPartition(topic, i)).toList();
            consumer.assign(assignment);
            consumer.seekToBeginning(assignment);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (read.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    read.add(new Acked(r.partition(), r.offset(), new Line(r.key(), r.value())));
                }
            }
            assertThat(consumer.poll(Duration.ofMillis(200))).as("records beyond the %d expected", expected)
                    .isEmpty();
        }
        assertThat(read).as("records read from %s", topic).hasSize(expected);
        return read;
    }

    /** The lines of {@link #read}, in the order read. */
    static List<Line> readAll(String bootstrap, String topic, int partitions, int expected) {
        return read(bootstrap, topic, partitions, expected).stream().map(Acked::line).toList();
    }

    /** The offset after the last acknowledged record of each partition: what a group that read it all commits. */
    static Map<Integer, Long> endOffsets(List<Acked> acked) {
        Map<Integer, Long> end = new TreeMap<>();
        acked.forEach(a -> end.merge(a.partition(), a.offset() + 1, Math::max));
        return end;
    }

    /** The group's committed offsets by partition, as the current Admin client reads them back. */
    static Map<Integer, Long> committedOffsets(String bootstrap, String group) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            Map<Integer, Long> committed = new TreeMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .forEach((tp, o) -> committed.put(tp.partition(), o.offset()));
            return committed;
        }
    }

    /**
     * Every value of partition 0 of {@code topic} as a consumer of {@code isolation} reads it from the beginning, in
     * offset order, once no transaction is open there any more (its last stable offset reached its high watermark:
     * the markers of a transaction are written after the producer's commit or abort returns).
     */
    static List<String> readValues(String bootstrap, String topic, IsolationLevel isolation) {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = admin(bootstrap)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.listOffsets(Map.of(tp, OffsetSpec.latest()),
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).partitionResult(tp).get().offset()
                    == admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset());
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
                return consumer.position(tp) >= end;
            });
        }
        return values;
    }

    /**
     * Checks what the {@code transactions} command of the compatibility clients wrote to partition 0 of
     * {@code topic}: three transactions of {@code count} records valued {@code <outcome>-<n>-<i>}, the first and
     * third committed, the second aborted after its records were written. A {@code read_committed} consumer must
     * read exactly the committed ones in order, a {@code read_uncommitted} one all of them.
     */
    static void assertCommitAbortCommit(String bootstrap, String topic, int count) {
        List<String> written = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            for (int i = 0; i < count; i++) {
                written.add((n == 2 ? "abort-" : "commit-") + n + "-" + i);
            }
        }
        assertThat(readValues(bootstrap, topic, IsolationLevel.READ_COMMITTED)).as("read_committed")
                .isEqualTo(written.stream().filter(v -> v.startsWith("commit-")).toList());
        assertThat(readValues(bootstrap, topic, IsolationLevel.READ_UNCOMMITTED)).as("read_uncommitted")
                .isEqualTo(written);
    }

    /** Lines of one key appear in the order of their sequence numbers (one key maps to one partition). */
    static void assertInOrderPerKey(List<? extends Line> lines) {
        Map<String, Integer> last = new HashMap<>();
        for (Line line : lines) {
            Integer previous = last.put(line.key(), line.sequence());
            assertThat(previous == null || previous < line.sequence())
                    .as("%s after sequence %s of the same key", line, previous).isTrue();
        }
    }

}
