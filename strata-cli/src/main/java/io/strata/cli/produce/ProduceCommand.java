package io.strata.cli.produce;

import io.strata.cli.client.CliException;
import io.strata.cli.client.ClientOptions;
import io.strata.cli.client.Errors;
import io.strata.cli.client.KeyValues;
import io.strata.cli.client.UsesCluster;
import io.strata.cli.output.Output;
import io.strata.cli.output.Progress;
import io.strata.cli.output.Terminal;
import io.strata.cli.output.Units;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strata produce TOPIC}: one record per input line, from stdin or a file. Sends asynchronously and stops at
 * the first failed send; prints a summary line on stdout and, for files on a terminal, a progress bar on stderr.
 * With a key or value schema ({@link SchemaOptions}) lines are JSON, encoded in the schema registry's wire format.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Write records to a topic: one per line from stdin or --file.")
public final class ProduceCommand implements Callable<Integer>, UsesCluster {

    /** Kafka's acks values (-1 is all). */
    enum Acks {
        ALL("all"), ONE("1"), ZERO("0");

        final String value;

        Acks(String value) {
            this.value = value;
        }
    }

    enum Compression { NONE, GZIP, SNAPPY, LZ4, ZSTD }

    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic to write to.")
    String topic;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read lines from FILE instead of stdin.")
    Path file;

    @Option(names = {"-k", "--key-separator"}, paramLabel = "SEP",
            description = "Split each line at the first SEP into key and value (default: no key).")
    String keySeparator;

    @Option(names = {"-H", "--header"}, paramLabel = "KEY=VALUE", description = "A header on every record; repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--partition", paramLabel = "N", description = "Write every record to partition N.")
    Integer partition;

    @Option(names = "--acks", paramLabel = "all|1|0", converter = AcksConverter.class, defaultValue = "all",
            description = "Acknowledgements to wait for (default: all).")
    Acks acks = Acks.ALL;

    @Option(names = "--compression", paramLabel = "none|gzip|snappy|lz4|zstd", defaultValue = "none",
            description = "Compression codec (default: none).")
    Compression compression = Compression.NONE;

    @Option(names = "--progress", negatable = true,
            description = "Show a progress bar (default: for --file when stderr is a terminal).")
    Boolean progress;

    @Mixin
    SchemaOptions schemas;

    @Override
    public ClientOptions clientOptions() {
        return client;
    }

    @Override
    public Integer call() throws IOException {
        LineParser parser = new LineParser(Optional.ofNullable(keySeparator));
        List<Header> recordHeaders = KeyValues.parse(spec, "--header", headers).entrySet().stream()
                .map(e -> (Header) new RecordHeader(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8)))
                .toList();
        Output out = Output.of(spec);
        SchemaOptions.LineEncoder encoder = schemas.encoder(spec, topic, keySeparator != null, out::note);
        long total = file == null ? -1 : size(file);
        boolean showProgress = progress != null ? progress : file != null && Terminal.stderrIsTerminal();
        Progress bar = new Progress(out.err(), showProgress, total, Terminal.width(), System::nanoTime);
        Counters counters = new Counters();
        try (CountingInputStream in = new CountingInputStream(open(file));
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
             KafkaProducer<byte[], byte[]> producer = client.producer(producerOverrides())) {
            long lineNumber = 0;
            String text;
            while ((text = reader.readLine()) != null && counters.failure.get() == null) {
                lineNumber++;
                LineParser.Line line = encoder.encode(parser.parse(text, lineNumber), lineNumber);
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, null, line.key(),
                        line.value(), recordHeaders);
                producer.send(record, (metadata, error) -> counters.completed(line.size(), error));
                counters.sent++;
                bar.update(in.count(), counters.acked.get(), counters.ackedBytes.get());
            }
            producer.flush();
            bar.finish(in.count(), counters.acked.get(), counters.ackedBytes.get());
        }
        Throwable failure = counters.failure.get();
        if (failure != null) {
            throw new CliException(Errors.describe(failure, Optional.of(client)) + " (" + counters.acked.get()
                    + " of " + counters.sent + " records written)", failure);
        }
        long nanos = bar.elapsedNanos();
        out.line("Produced " + Units.count(counters.acked.get()) + " records (" + Units.bytes(counters.ackedBytes.get())
                + ") to '" + topic + "' in " + Units.decimal(nanos / 1e9, 2) + " s: "
                + Units.decimal(Units.perSecond(counters.acked.get(), nanos), 0) + " records/s, "
                + Units.decimal(Units.perSecond(counters.ackedBytes.get(), nanos) / 1e6, 2) + " MB/s.");
        return 0;
    }

    private Map<String, Object> producerOverrides() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.ACKS_CONFIG, acks.value);
        // Idempotence needs acks=all; Kafka refuses the combination rather than turning it off.
        if (acks != Acks.ALL) {
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        }
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression.name().toLowerCase(java.util.Locale.ROOT));
        return props;
    }

    private InputStream open(Path path) throws IOException {
        if (path == null) {
            return new java.io.FilterInputStream(System.in) {
                @Override
                public void close() {
                    // stdin belongs to the process, not to this command.
                }
            };
        }
        try {
            return Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new CliException("no such file: " + path);
        } catch (IOException e) {
            throw new CliException("cannot read " + path + ": " + e.getMessage());
        }
    }

    private static long size(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Progress of sends; callbacks run on the producer's I/O thread. */
    private static final class Counters {
        final AtomicLong acked = new AtomicLong();
        final AtomicLong ackedBytes = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        long sent;

        void completed(int bytes, Exception error) {
            if (error != null) {
                failure.compareAndSet(null, error);
            } else {
                acked.incrementAndGet();
                ackedBytes.addAndGet(bytes);
            }
        }
    }

    /** Accepts all, -1, 1 and 0, as Kafka's {@code acks} does. */
    static final class AcksConverter implements picocli.CommandLine.ITypeConverter<Acks> {
        @Override
        public Acks convert(String value) {
            return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "all", "-1" -> Acks.ALL;
                case "1" -> Acks.ONE;
                case "0" -> Acks.ZERO;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "expected all, -1, 1 or 0 but got '" + value + "'");
            };
        }
    }
}
