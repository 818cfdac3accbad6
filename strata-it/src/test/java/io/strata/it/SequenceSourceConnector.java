package io.strata.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/**
 * A Kafka Connect source connector for tests: one task that writes the sequence numbers {@code 0..count-1} (as
 * strings, key and value) to {@code topic}, {@code batch} records a poll, one poll every {@code poll.interval.ms}
 * (so that a test can kill its worker mid-run). Its source offset is the next sequence number, so a restarted task
 * goes on where the last committed offset says. It declares exactly-once support: with the worker's
 * {@code exactly.once.source.support=enabled} every poll's records and offset are one transaction.
 *
 * <p>Connect runs each task on its own thread; the task keeps its state to that thread.
 */
public final class SequenceSourceConnector extends SourceConnector {

    static final String TOPIC = "topic";
    static final String COUNT = "count";
    static final String BATCH = "batch";
    static final String POLL_INTERVAL_MS = "poll.interval.ms";
    static final Map<String, String> PARTITION = Map.of("sequence", "0");
    static final String NEXT = "next";

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(TOPIC, ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "Topic to write to")
            .define(COUNT, ConfigDef.Type.LONG, ConfigDef.Importance.HIGH, "Sequence numbers to write")
            .define(BATCH, ConfigDef.Type.INT, 10, ConfigDef.Importance.LOW, "Records a poll")
            .define(POLL_INTERVAL_MS, ConfigDef.Type.LONG, 0L, ConfigDef.Importance.LOW, "Pause between polls");

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return SequenceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(props);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public String version() {
        return "1";
    }

    /** The task: see {@link SequenceSourceConnector}. */
    public static final class SequenceTask extends SourceTask {

        private String topic;
        private long count;
        private int batch;
        private long pollIntervalMs;
        private long next;

        @Override
        public void start(Map<String, String> props) {
            topic = props.get(TOPIC);
            count = Long.parseLong(props.get(COUNT));
            batch = Integer.parseInt(props.getOrDefault(BATCH, "10"));
            pollIntervalMs = Long.parseLong(props.getOrDefault(POLL_INTERVAL_MS, "0"));
            Map<String, Object> offset = context.offsetStorageReader().offset(PARTITION);
            next = offset == null ? 0 : ((Number) offset.get(NEXT)).longValue();
        }

        @Override
        public List<SourceRecord> poll() throws InterruptedException {
            // A pause per poll (also once done, where Connect would otherwise call poll in a busy loop).
            Thread.sleep(next < count ? pollIntervalMs : 100);
            List<SourceRecord> records = new ArrayList<>();
            for (; next < count && records.size() < batch; next++) {
                String seq = Long.toString(next);
                records.add(new SourceRecord(PARTITION, Map.of(NEXT, next + 1), topic, 0,
                        Schema.STRING_SCHEMA, seq, Schema.STRING_SCHEMA, seq));
            }
            return records.isEmpty() ? null : records;
        }

        @Override
        public void stop() {
        }

        @Override
        public String version() {
            return "1";
        }
    }
}
