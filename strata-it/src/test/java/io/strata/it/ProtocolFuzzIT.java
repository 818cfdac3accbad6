package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays deterministic mutations of the requests real clients send ({@link FuzzSeeds}, {@link FrameMutator}) for
 * every API the node advertises, at its lowest and highest advertised version, against a node in its own process
 * with a low open-file limit. Every mutated request must get a response or a clean disconnect within
 * {@link #ANSWER_TIMEOUT}; afterwards the node must still take connections, create a topic, and produce and
 * consume.
 *
 * <p>The fuzzing runs for {@link #BUDGET} (at least {@link #MIN_ROUNDS} rounds over every seed). A failure names
 * the API, version, mutation seed and mutation; {@code -Dstrata.fuzz.seed=...} changes the base seed and
 * {@code -Dstrata.fuzz.seconds=...} the budget, for longer runs by hand.
 */
class ProtocolFuzzIT {

    private static final long BASE_SEED = Long.getLong("strata.fuzz.seed", 0x5eed_2026L);
    private static final Duration BUDGET = Duration.ofSeconds(Long.getLong("strata.fuzz.seconds", 25));
    private static final int MIN_ROUNDS = 8;
    private static final int MAX_ROUNDS = 500;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);
    /** Low enough that mutated partition counts run into the node's file-descriptor guard. */
    private static final int MAX_OPEN_FILES = 4096;

    @TempDir
    Path dir;

    /** What became of one mutated request. */
    private enum Answer { RESPONSE, DISCONNECT, LONG_WAIT, HANG }

    @Test
    void mutatedRequestsOfEveryAdvertisedApiNeitherCrashNorHangTheNode() throws Exception {
        try (NodeProcess node = new NodeProcess(dir, Map.of("group.initial.rebalance.delay.ms", "0"),
                OptionalInt.of(MAX_OPEN_FILES))) {
            node.start();
            int port = Integer.parseInt(node.bootstrap().substring(node.bootstrap().lastIndexOf(':') + 1));
            Uuid topicId;
            try (Admin admin = Clients.admin(node.bootstrap())) {
                admin.createTopics(List.of(new NewTopic("fuzz", 3, (short) 1), new NewTopic("fuzz-grow", 1,
                        (short) 1))).all().get();
                topicId = admin.describeTopics(List.of("fuzz")).allTopicNames().get().get("fuzz").topicId();
            }
            List<ApiVersionsResponseData.ApiVersion> advertised = advertised(port);
            assertThat(advertised).hasSizeGreaterThan(20);

            Map<ApiKeys, Map<Answer, Integer>> tally = new EnumMap<>(ApiKeys.class);
            List<String> failures = new ArrayList<>();
            long deadline = System.nanoTime() + BUDGET.toNanos();
            int rounds = 0;
            try (Exchanger exchanger = new Exchanger(port)) {
                while (rounds < MAX_ROUNDS && (rounds < MIN_ROUNDS || System.nanoTime() < deadline)) {
                    // A group per round: a join never waits for members that earlier mutants left behind.
                    FuzzSeeds seeds = new FuzzSeeds("fuzz", topicId, "fuzz-group-" + rounds);
                    for (ApiVersionsResponseData.ApiVersion api : advertised) {
                        for (short version : new short[] {api.minVersion(), api.maxVersion()}) {
                            FuzzSeeds.Seed seed = seeds.seed(ApiKeys.forId(api.apiKey()), version);
                            fuzzOnce(node, exchanger, seed, rounds, tally, failures);
                        }
                    }
                    rounds++;
                }
            }
            System.out.printf("Fuzzed %d rounds of %d APIs:%n", rounds, advertised.size());
            tally.forEach((key, answers) -> System.out.printf("  %-28s %s%n", key, answers));
            printNodeWarnings(node.output());
            assertThat(failures).isEmpty();

            assertStillServes(node.bootstrap(), port);
        }
    }

    /** Sends one mutant of {@code seed}, tallies what became of it, and checks that the node process lives. */
    private static void fuzzOnce(NodeProcess node, Exchanger exchanger, FuzzSeeds.Seed seed, int round,
                                 Map<ApiKeys, Map<Answer, Integer>> tally, List<String> failures) throws IOException {
        long mutationSeed = BASE_SEED ^ seed.key().id * 1_000_003L ^ seed.version() * 7_919L
                ^ round * 0x9e37_79b9_7f4a_7c15L;
        FrameMutator.Mutant mutant = FrameMutator.mutate(seed.frame(), seed.headerSize(), mutationSeed);
        String what = seed.key() + " v" + seed.version() + " seed " + mutationSeed + " (" + mutant.description() + ")";
        Answer answer = exchanger.exchange(mutant.frame());
        tally.computeIfAbsent(seed.key(), k -> new EnumMap<>(Answer.class)).merge(answer, 1, Integer::sum);
        if (answer == Answer.HANG) {
            failures.add(what + ": no response and no disconnect within " + ANSWER_TIMEOUT);
        }
        assertThat(ProcessHandle.of(node.pid()).map(ProcessHandle::isAlive).orElse(false))
                .as("node process alive after %s", what).isTrue();
    }

    private static List<ApiVersionsResponseData.ApiVersion> advertised(int port) throws IOException {
        try (RawClient raw = new RawClient(port)) {
            ApiVersionsResponse response = raw.request(new ApiVersionsRequest(new ApiVersionsRequestData()
                    .setClientSoftwareName("fuzz").setClientSoftwareVersion("1"), (short) 3));
            return List.copyOf(response.data().apiKeys());
        }
    }

    /**
     * A new connection works, the topics the mutants created can be deleted, and a new topic can be created,
     * produced to and consumed from.
     */
    private static void assertStillServes(String bootstrap, int port) throws Exception {
        assertThat(advertised(port)).isNotEmpty();
        try (Admin admin = Clients.admin(bootstrap)) {
            // The mutants' topics may have used up the node's share of descriptors for partitions: free them.
            Set<String> created = new HashSet<>(admin.listTopics().names().get());
            created.remove("fuzz");
            admin.deleteTopics(created).all().get();
            await().atMost(Duration.ofSeconds(60)).until(() -> created(admin, "after-fuzz"));
        }
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("after-fuzz", ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of())) {
            TopicPartition tp = new TopicPartition("after-fuzz", 0);
            consumer.assign(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read.size() < 10 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        assertThat(read).hasSize(10);
    }

    /** Whether the topic now exists; false while the node refuses it for want of descriptors still being freed. */
    private static boolean created(Admin admin, String topic) throws Exception {
        try {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return true;
            }
            if (e.getCause() instanceof PolicyViolationException) {
                return false;
            }
            throw e;
        }
    }

    /**
     * The node's warnings and errors, deduplicated, for whoever owns the code that logged them: the test asserts
     * liveness, not silence.
     */
    private static void printNodeWarnings(String output) {
        Map<String, Integer> errors = new TreeMap<>();
        String[] lines = output.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(" ERROR ") || lines[i].contains(" WARN ")
                    || lines[i].contains("Exception in thread")) {
                // The message without its timestamp and client port, and the exception on the next line.
                String cause = i + 1 < lines.length && !lines[i + 1].startsWith("[") ? " / " + lines[i + 1] : "";
                errors.merge(lines[i].replaceAll("^\\S+ \\S+ ", "").replaceAll("/127\\.0\\.0\\.1:\\d+", "")
                        + cause, 1, Integer::sum);
            }
        }
        errors.forEach((line, count) -> System.out.printf("  node log x%d: %s%n", count, line));
    }

    /** Sends frames one at a time over a connection it reopens whenever the node closed it. */
    private static final class Exchanger implements AutoCloseable {

        private final int port;
        private RawClient client;

        Exchanger(int port) {
            this.port = port;
        }

        Answer exchange(byte[] frame) throws IOException {
            Optional<AbstractRequest> parsed = parse(frame);
            if (client == null) {
                client = new RawClient(port, ANSWER_TIMEOUT);
            }
            try {
                client.sendFrame(frame.length, frame);
                if (parsed.orElse(null) instanceof FetchRequest fetch
                        && fetch.data().maxWaitMs() > ANSWER_TIMEOUT.toMillis()) {
                    reconnect(); // a long poll, as asked for: Kafka waits too
                    return Answer.LONG_WAIT;
                }
                if (parsed.orElse(null) instanceof ProduceRequest produce && produce.acks() == 0) {
                    // No response by design: a request behind it must still be answered, or the node closed.
                    client.request(new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 0));
                    return Answer.RESPONSE;
                }
                client.receive();
                return Answer.RESPONSE;
            } catch (SocketTimeoutException e) {
                reconnect();
                // A join or sync may wait for the group's other members, as in Kafka.
                boolean groupWait = parsed.isPresent() && (parsed.get().apiKey() == ApiKeys.JOIN_GROUP
                        || parsed.get().apiKey() == ApiKeys.SYNC_GROUP);
                return groupWait ? Answer.LONG_WAIT : Answer.HANG;
            } catch (IOException e) {
                reconnect();
                return Answer.DISCONNECT;
            }
        }

        private void reconnect() throws IOException {
            client.close();
            client = null;
        }

        /** The request as the node would parse it, if it can. */
        private static Optional<AbstractRequest> parse(byte[] frame) {
            try {
                ByteBuffer buffer = ByteBuffer.wrap(frame);
                RequestHeader header = RequestHeader.parse(buffer);
                return Optional.of(AbstractRequest.parseRequest(header.apiKey(), header.apiVersion(),
                        new ByteBufferAccessor(buffer)).request);
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }

        @Override
        public void close() throws IOException {
            if (client != null) {
                client.close();
            }
        }
    }
}
