package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Streams with {@code processing.guarantee=exactly_once_v2} against one node: a word count
 * ({@link WordCountStreamsApp}, in its own JVM) over 10,000 lines is killed with SIGKILL in the middle of its input
 * and a second instance (another process id, another state directory, so another transactional id) finishes it.
 * The second instance can only go on once the first one's open transaction is aborted (its offsets are unstable
 * until then) and must restore the counts from the changelog exactly as committed: the final count of every word,
 * read with {@code read_committed}, is exact, and every word's committed counts only ever go up.
 */
class KafkaStreamsExactlyOnceIT {

    private static final int LINES = 10_000;
    private static final String INPUT = "wc-lines";
    private static final String OUTPUT = "wc-counts";

    @TempDir
    Path dir;

    /** Line {@code i}: three words, so that the counts differ from word to word. */
    private static String line(int i) {
        return "w" + (i % 97) + " v" + (i % 13) + " all";
    }

    @Test
    void aWordCountKilledMidRunAndReplacedCountsEveryLineExactlyOnce() throws Exception {
        Map<String, Long> expected = new TreeMap<>();
        for (int i = 0; i < LINES; i++) {
            for (String word : line(i).split(" ")) {
                expected.merge(word, 1L, Long::sum);
            }
        }
        try (TestNode node = TestNode.start(dir.resolve("node"), Map.of("transaction.state.log.num.partitions", "3",
                "offsets.topic.num.partitions", "3", "group.initial.rebalance.delay.ms", "0",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "500"));
             Admin admin = Clients.admin(node.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(INPUT, 2, (short) 1), new NewTopic(OUTPUT, 2, (short) 1)))
                    .all().get();
            produce(node.bootstrap(), 0, LINES / 2);

            try (JsonLinesProcess first = startInstance(node, "first")) {
                // Killed while it still has lines of the first half to process: its transaction is open.
                await().atMost(Duration.ofSeconds(90)).until(() -> first.count("processed") >= 3
                        || first.count("error") > 0);
                assertThat(first.count("error")).as("first instance failed; see %s", dir.resolve("first.err"))
                        .isZero();
                first.close(); // SIGKILL
            }
            produce(node.bootstrap(), LINES / 2, LINES);
            try (JsonLinesProcess second = startInstance(node, "second");
                 KafkaConsumer<String, Long> consumer = outputConsumer(node.bootstrap())) {
                List<TopicPartition> partitions = List.of(new TopicPartition(OUTPUT, 0),
                        new TopicPartition(OUTPUT, 1));
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<String, List<Long>> counts = new HashMap<>();
                try {
                    await().atMost(Duration.ofSeconds(90)).until(() -> {
                        for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(200))) {
                            counts.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
                        }
                        return second.count("error") > 0 || latest(counts).equals(expected);
                    });
                } finally {
                    assertThat(second.count("error")).as("second instance failed; see %s", dir.resolve("second.err"))
                            .isZero();
                    assertThat(latest(counts)).as("latest committed count of each word").isEqualTo(expected);
                }
                counts.forEach((word, values) -> assertThat(values).as("committed counts of %s", word)
                        .isSorted().doesNotHaveDuplicates());
            }
        }
    }

    private JsonLinesProcess startInstance(TestNode node, String name) throws Exception {
        return JsonLinesProcess.start(WordCountStreamsApp.class.getName(), List.of(node.bootstrap(), "wordcount",
                dir.resolve(name + "-state").toString(), INPUT, OUTPUT), dir.resolve(name + ".err"));
    }

    private static void produce(String bootstrap, int from, int to) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(INPUT, Integer.toString(i), line(i)));
            }
        }
    }

    private static KafkaConsumer<String, Long> outputConsumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new LongDeserializer());
    }

    private static Map<String, Long> latest(Map<String, List<Long>> counts) {
        Map<String, Long> latest = new TreeMap<>();
        counts.forEach((word, values) -> latest.put(word, values.getLast()));
        return latest;
    }
}
