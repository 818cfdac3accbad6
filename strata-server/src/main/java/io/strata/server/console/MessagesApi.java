package io.strata.server.console;

import io.strata.metadata.MetadataImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;

/**
 * The message browser: up to {@value #MAX_LIMIT} records of one partition from an offset, a timestamp, the
 * beginning, or the end (the last {@code limit}), read by a consumer of the console's pool (no group, nothing
 * committed), up to the high watermark, in at most {@value #MAX_WAIT_MS} ms. Keys, values and header values go out
 * as base64 of at most {@value #MAX_SHOWN_BYTES} bytes each (the page decodes them as text, JSON or hex), so that
 * no byte of a record is ever interpreted by the server, nor sent as markup.
 *
 * <p>Polling with {@code from=offset} and the previous answer's {@code nextOffset} is the live tail: at the end of
 * the partition it returns at once with no record. Thread-safe (each request borrows its own consumer).
 */
final class MessagesApi {

    static final int MAX_LIMIT = 100;
    static final int MAX_SHOWN_BYTES = 8 * 1024;
    static final long MAX_WAIT_MS = 2_000;

    /** Where to start reading. */
    sealed interface Start {
        record Beginning() implements Start {
        }

        record End() implements Start {
        }

        record AtOffset(long offset) implements Start {
        }

        record AtTimestamp(long timestampMs) implements Start {
        }
    }

    private final Supplier<MetadataImage> image;
    private final ConsoleClients clients;

    MessagesApi(Supplier<MetadataImage> image, ConsoleClients clients) {
        this.image = image;
        this.clients = clients;
    }

    Map<String, Object> read(TopicPartition tp, Start start, int limit) {
        // Checked here: a consumer would wait its whole timeout for a partition that does not exist.
        boolean exists = image.get().topic(tp.topic()).map(t -> t.partitions().containsKey(tp.partition()))
                .orElse(false);
        if (!exists) {
            throw new UnknownTopicOrPartitionException("Partition " + tp + " does not exist");
        }
        KafkaConsumer<byte[], byte[]> consumer = clients.borrowConsumer();
        boolean broken = true;
        try {
            Map<String, Object> out = read(consumer, tp, start, limit);
            broken = false;
            return out;
        } finally {
            clients.giveBack(consumer, broken);
        }
    }

    private static Map<String, Object> read(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, Start start,
                                            int limit) {
        Duration timeout = ConsoleClients.TIMEOUT;
        consumer.assign(Set.of(tp));
        long first = consumer.beginningOffsets(Set.of(tp), timeout).get(tp);
        long end = consumer.endOffsets(Set.of(tp), timeout).get(tp);
        long from = switch (start) {
            case Start.Beginning b -> first;
            case Start.End e -> Math.max(first, end - limit);
            case Start.AtOffset o -> Math.min(Math.max(first, o.offset()), end);
            case Start.AtTimestamp t -> {
                OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(tp, t.timestampMs()), timeout).get(tp);
                yield found == null ? end : found.offset();
            }
        };
        List<Map<String, Object>> records = new ArrayList<>();
        long next = from;
        if (from < end) {
            consumer.seek(tp, from);
            long deadline = System.nanoTime() + MAX_WAIT_MS * 1_000_000;
            while (records.size() < limit && consumer.position(tp, timeout) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (records.size() < limit) {
                        records.add(record(r));
                        next = r.offset() + 1;
                    }
                }
            }
            if (records.size() < limit) {
                // Compacted or aborted ranges hold no record: the position tells how far the reads got.
                next = Math.max(next, consumer.position(tp, timeout));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("topic", tp.topic());
        out.put("partition", tp.partition());
        out.put("logStartOffset", first);
        out.put("endOffset", end);
        out.put("from", from);
        out.put("nextOffset", next);
        out.put("records", records);
        return out;
    }

    private static Map<String, Object> record(ConsumerRecord<byte[], byte[]> r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("offset", r.offset());
        m.put("timestamp", r.timestamp());
        m.put("timestampType", r.timestampType().name);
        m.put("key", bytes(r.key()));
        m.put("value", bytes(r.value()));
        List<Map<String, Object>> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("key", h.key());
            header.put("value", bytes(h.value()));
            headers.add(header);
        }
        m.put("headers", headers);
        return m;
    }

    /** {@code {size, base64, truncated}} of at most {@value #MAX_SHOWN_BYTES} bytes, or null for a null. */
    private static Map<String, Object> bytes(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        boolean truncated = bytes.length > MAX_SHOWN_BYTES;
        byte[] shown = truncated ? Arrays.copyOf(bytes, MAX_SHOWN_BYTES) : bytes;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", bytes.length);
        m.put("base64", Base64.getEncoder().encodeToString(shown));
        m.put("truncated", truncated);
        return m;
    }
}
