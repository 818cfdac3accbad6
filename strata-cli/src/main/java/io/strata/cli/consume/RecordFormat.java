package io.strata.cli.consume;

import io.strata.server.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns a record into one output line. Keys and values print as {@link Payloads} decode them; header values are
 * decoded as UTF-8 (invalid bytes become U+FFFD). Stateless and thread-safe.
 */
sealed interface RecordFormat {

    String format(ConsumerRecord<byte[], byte[]> record, Payloads payloads);

    /**
     * One JSON object per record: {@code {"topic","partition","offset","timestamp","key","value",
     * "headers":[{"key","value"}]}}; timestamp in epoch milliseconds; a null key or value is null; a key or value
     * decoded to JSON is embedded as JSON, not as a string.
     */
    record JsonLines() implements RecordFormat {
        @Override
        public String format(ConsumerRecord<byte[], byte[]> r, Payloads payloads) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topic", r.topic());
            m.put("partition", r.partition());
            m.put("offset", r.offset());
            m.put("timestamp", r.timestamp());
            m.put("key", Payloads.jsonValue(payloads.key(r.key())));
            m.put("value", Payloads.jsonValue(payloads.value(r.value())));
            List<Object> headers = new ArrayList<>();
            for (Header h : r.headers()) {
                Map<String, Object> header = new LinkedHashMap<>();
                header.put("key", h.key());
                header.put("value", text(h.value()));
                headers.add(header);
            }
            m.put("headers", headers);
            return Json.write(m);
        }
    }

    /**
     * The value, preceded by the selected fields, separated by {@code separator}: timestamp (ISO-8601),
     * {@code Partition:N}, {@code Offset:N}, the key, headers as {@code k:v,k:v}. A null key or value prints as
     * {@code null}.
     */
    record Text(String separator, boolean timestamp, boolean partition, boolean offset, boolean key,
                boolean headers) implements RecordFormat {
        @Override
        public String format(ConsumerRecord<byte[], byte[]> r, Payloads payloads) {
            StringBuilder sb = new StringBuilder();
            if (timestamp) {
                sb.append(Instant.ofEpochMilli(r.timestamp())).append(separator);
            }
            if (partition) {
                sb.append("Partition:").append(r.partition()).append(separator);
            }
            if (offset) {
                sb.append("Offset:").append(r.offset()).append(separator);
            }
            if (key) {
                sb.append(Payloads.Payload.text(payloads.key(r.key()))).append(separator);
            }
            if (headers) {
                List<String> parts = new ArrayList<>();
                for (Header h : r.headers()) {
                    parts.add(h.key() + ":" + text(h.value()));
                }
                sb.append(parts.isEmpty() ? "NO_HEADERS" : String.join(",", parts)).append(separator);
            }
            sb.append(Payloads.Payload.text(payloads.value(r.value())));
            return sb.toString();
        }
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
