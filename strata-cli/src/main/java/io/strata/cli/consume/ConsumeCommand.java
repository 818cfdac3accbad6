package io.strata.cli.consume;

import io.strata.cli.client.CliException;
import io.strata.cli.client.ClientOptions;
import io.strata.cli.client.UsesCluster;
import io.strata.cli.output.Output;
import io.strata.cli.schema.RegistryPayloads;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strata consume TOPIC}: prints records, one per line. Without {@code --follow} it reads up to the end
 * offsets the partitions had when it started and exits; with it, it waits for new records until {@code --count}
 * or Ctrl-C. Without {@code --group} it reads the partitions directly (assign) and commits nothing. With
 * {@code --schema-registry} it decodes the registry's wire format to JSON and stops at a record it cannot decode.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = "Print the records of a topic, one per line.")
public final class ConsumeCommand implements Callable<Integer>, UsesCluster {

    enum Format { TEXT, JSON }

    private static final Duration POLL = Duration.ofMillis(200);

    /** Records printed so far; kept in a field so that Ctrl-C still reports it. */
    private long printed;

    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic to read.")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the earliest offset (the default without --follow).")
    boolean fromBeginning;

    @Option(names = "--offset", paramLabel = "N", description = "Start at offset N (needs --partition).")
    Long offset;

    @Option(names = "--from-time", paramLabel = "TIME", converter = TimeSpec.class,
            description = "Start at the first record at or after TIME: epoch ms, ISO-8601 (2024-05-01T12:00:00Z), "
                    + "a date, or a time ago (-15m, -2h, -1d).")
    Instant fromTime;

    @Option(names = {"-p", "--partition"}, paramLabel = "N", description = "Read only partition N.")
    Integer partition;

    @Option(names = {"-f", "--follow"},
            description = "Keep waiting for new records (default: stop at the end offsets seen at start). "
                    + "Without a start option, starts at the end.")
    boolean follow;

    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Stop after N records.")
    Long count;

    @Option(names = {"-g", "--group"}, paramLabel = "GROUP",
            description = "Consume as a member of GROUP and commit its offsets (default: no group).")
    String group;

    @Option(names = "--schema-registry", paramLabel = "URL",
            description = "Decode values (and keys in the wire format) from the schema registry's wire format (magic "
                    + "byte 0, schema id) to JSON, with the schemas of the registry at URL: Avro in Avro's JSON "
                    + "encoding, JSON Schema documents as they are.")
    String schemaRegistry;

    @Option(names = "--isolation", paramLabel = "read_committed|read_uncommitted", defaultValue = "read_uncommitted",
            description = "read_uncommitted (default, as Kafka's consumers) reads every record below the high "
                    + "watermark; read_committed only committed transactions' records, below the last stable offset.")
    String isolation = "read_uncommitted";

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
            description = "text (default) or json: one object per line with topic, partition, offset, timestamp, "
                    + "key, value and headers.")
    Format format = Format.TEXT;

    @Option(names = "--print-key", description = "text format: print the key before the value.")
    boolean printKey;

    @Option(names = "--print-headers", description = "text format: print the headers (k:v,k:v).")
    boolean printHeaders;

    @Option(names = "--print-timestamp", description = "text format: print the timestamp (ISO-8601).")
    boolean printTimestamp;

    @Option(names = "--print-partition", description = "text format: print the partition.")
    boolean printPartition;

    @Option(names = "--print-offset", description = "text format: print the offset.")
    boolean printOffset;

    @Option(names = "--separator", paramLabel = "SEP", defaultValue = "\t",
            description = "text format: separator between the printed fields (default: tab).")
    String separator = "\t";

    @Override
    public ClientOptions clientOptions() {
        return client;
    }

    @Override
    public Integer call() {
        validate();
        Output out = Output.of(spec);
        RecordFormat recordFormat = format == Format.JSON ? new RecordFormat.JsonLines()
                : new RecordFormat.Text(separator, printTimestamp, printPartition, printOffset, printKey, printHeaders);
        Map<String, Object> overrides = new HashMap<>();
        overrides.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        if (group != null) {
            overrides.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, startAtBeginning() ? "earliest" : "latest");
        } else {
            overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        }
        KafkaConsumer<byte[], byte[]> consumer = client.consumer(overrides);
        // Ctrl-C wakes the consumer so that it stops cleanly (and commits, in a group) instead of dying mid-poll;
        // the hook then waits until the summary is printed, because the JVM halts when its hooks return.
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                consumer.wakeup();
            } catch (RuntimeException e) {
                // already closed: nothing to wake
            }
            awaitQuietly(finished);
        }, "strata-consume-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            try (consumer) {
                consume(consumer, recordFormat, payloads(), out);
            } catch (WakeupException e) {
                // Ctrl-C: stop quietly.
            }
            out.flush();
            out.note("Consumed " + printed + (printed == 1 ? " record." : " records."));
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down
            }
        }
        return 0;
    }

    private void validate() {
        int starts = (fromBeginning ? 1 : 0) + (offset != null ? 1 : 0) + (fromTime != null ? 1 : 0);
        if (starts > 1) {
            throw usage("give only one of --from-beginning, --offset and --from-time");
        }
        if (offset != null && partition == null) {
            throw usage("--offset needs --partition");
        }
        if (offset != null && offset < 0) {
            throw usage("--offset must not be negative");
        }
        if (group != null && (offset != null || fromTime != null || partition != null)) {
            throw usage("--group cannot be combined with --offset, --from-time or --partition");
        }
        if (!isolation.equals("read_committed") && !isolation.equals("read_uncommitted")) {
            throw usage("--isolation must be read_committed or read_uncommitted");
        }
        if (count != null && count <= 0) {
            throw usage("--count must be positive");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private boolean startAtBeginning() {
        return fromBeginning || !follow;
    }

    private Payloads payloads() {
        return schemaRegistry == null ? new Payloads.Utf8()
                : new Payloads.Registry(RegistryPayloads.at(schemaRegistry));
    }

    private void consume(KafkaConsumer<byte[], byte[]> consumer, RecordFormat recordFormat, Payloads payloads,
                         Output out) {
        List<TopicPartition> partitions = partitions(consumer);
        Map<TopicPartition, Long> end = follow ? Map.of() : consumer.endOffsets(partitions);
        Stop stop;
        if (group != null) {
            consumer.subscribe(List.of(topic));
            Map<TopicPartition, Long> begin = follow ? Map.of() : consumer.beginningOffsets(partitions);
            boolean empty = !follow && partitions.stream().allMatch(tp -> begin.get(tp) >= end.get(tp));
            stop = () -> empty || (!follow && !consumer.assignment().isEmpty()
                    && consumer.assignment().stream().allMatch(tp -> consumer.position(tp) >= end.get(tp)));
        } else {
            consumer.assign(partitions);
            seek(consumer, partitions);
            stop = () -> !follow && partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
        }
        long limit = count == null ? Long.MAX_VALUE : count;
        while (printed < limit && !stop.now()) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (!follow && r.offset() >= end.getOrDefault(tp, Long.MAX_VALUE)) {
                    continue; // written after we started
                }
                out.record(format(consumer, recordFormat, payloads, r, tp));
                if (++printed >= limit) {
                    break;
                }
            }
            out.flush();
        }
    }

    private static String format(KafkaConsumer<byte[], byte[]> consumer, RecordFormat recordFormat, Payloads payloads,
                                 ConsumerRecord<byte[], byte[]> r, TopicPartition tp) {
        try {
            return recordFormat.format(r, payloads);
        } catch (CliException e) {
            // Back to the record, so that a group's commit on close does not pass over what was not printed.
            consumer.seek(tp, r.offset());
            throw new CliException("partition " + r.partition() + " offset " + r.offset() + ": " + e.getMessage(), e);
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            throw new CliException("topic '" + topic + "' does not exist");
        }
        List<TopicPartition> all = infos.stream().map(p -> new TopicPartition(topic, p.partition()))
                .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
        if (partition == null) {
            return all;
        }
        TopicPartition one = new TopicPartition(topic, partition);
        if (!all.contains(one)) {
            throw new CliException("topic '" + topic + "' has no partition " + partition + " (it has " + all.size()
                    + ")");
        }
        return List.of(one);
    }

    private void seek(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
        if (offset != null) {
            partitions.forEach(tp -> consumer.seek(tp, offset));
        } else if (fromTime != null) {
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, fromTime.toEpochMilli()));
            consumer.offsetsForTimes(query).forEach((tp, found) -> {
                if (found == null) {
                    consumer.seekToEnd(List.of(tp)); // nothing at or after the time yet
                } else {
                    consumer.seek(tp, found.offset());
                }
            });
        } else if (startAtBeginning()) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        // Resolve lazy seeks now, so that a failure is reported before any output.
        partitions.forEach(consumer::position);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    private interface Stop {
        boolean now();
    }
}
