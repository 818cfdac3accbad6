package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.BatchIndexAndErrorMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;

/**
 * Sends the cases of {@link MalformedBatches} to one broker (Strata or Apache Kafka) as raw Produce requests, the
 * same way for both: the table's topics are created once, and before each case two good records are produced with a
 * real producer so that the partition's log end offset and its last records can be compared afterwards.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class MalformedBatchProbe implements AutoCloseable {

    private static final String GOOD_VALUE = "ok";

    private final int port;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;

    /**
     * What a broker did with one malformed batch.
     *
     * @param response   the partition's part of the Produce response
     * @param endBefore  the log end offset before the batch was sent (after two good records)
     * @param endAfter   the log end offset after the response
     * @param tail       the values of the records from {@code endBefore - 2} to {@code endAfter}, in offset order
     */
    record Outcome(ProduceResponseData.PartitionProduceResponse response, long endBefore, long endAfter,
                   List<String> tail) {

        Errors error() {
            return Errors.forCode(response.errorCode());
        }

        List<Integer> recordErrorIndexes() {
            return response.recordErrors().stream().map(BatchIndexAndErrorMessage::batchIndex).toList();
        }

        /** Asserts the batch was refused with {@code error} and left the partition as it was. */
        void assertRefused(Errors error, List<Integer> recordErrors) {
            assertThat(error()).as(response.toString()).isEqualTo(error);
            assertThat(recordErrorIndexes()).as(response.toString()).isEqualTo(recordErrors);
            assertThat(endAfter).as("log end offset").isEqualTo(endBefore);
            assertThat(tail).as("the partition's last records").containsExactly(GOOD_VALUE, GOOD_VALUE);
        }
    }

    /** Creates the table's topics on the broker at {@code bootstrap} (whose client port is {@code port}). */
    MalformedBatchProbe(String bootstrap, int port) throws Exception {
        this.port = port;
        this.admin = Clients.admin(bootstrap);
        this.producer = Clients.producer(bootstrap, Map.of());
        this.consumer = Clients.consumer(bootstrap, Map.of());
        List<NewTopic> topics = new ArrayList<>();
        for (MalformedBatches.Topic topic : MalformedBatches.Topic.values()) {
            topics.add(new NewTopic(topic.topicName(), 1, (short) 1).configs(topic.configs()));
        }
        admin.createTopics(topics).all().get();
    }

    /** Produces two good records, sends the case's batch and observes the partition. */
    Outcome send(MalformedBatches.Case c) throws Exception {
        TopicPartition tp = new TopicPartition(c.topic().topicName(), 0);
        for (int i = 0; i < 2; i++) {
            producer.send(new ProducerRecord<>(tp.topic(), 0, MalformedBatches.bytes("k"),
                    MalformedBatches.bytes(GOOD_VALUE))).get();
        }
        long before = endOffset(tp);
        ProduceResponseData.PartitionProduceResponse response = produce(port, tp.topic(), c.batch().get(), c.version());
        long after = endOffset(tp);
        return new Outcome(response, before, after, read(tp, before - 2, after));
    }

    /** Sends {@code records} to partition 0 of {@code topic} in a Produce request of {@code version} (acks=1). */
    static ProduceResponseData.PartitionProduceResponse produce(int port, String topic, MemoryRecords records,
                                                                short version) throws Exception {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5_000);
        ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName(topic);
        topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        data.topicData().add(topicData);
        try (RawClient raw = new RawClient(port, Duration.ofSeconds(60))) {
            ProduceResponse response = raw.request(new ProduceRequest(data, version));
            return response.data().responses().iterator().next().partitionResponses().get(0);
        }
    }

    private long endOffset(TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
    }

    /** The values of the records in {@code [from, to)}, read with the real consumer. */
    private List<String> read(TopicPartition tp, long from, long to) {
        consumer.assign(List.of(tp));
        consumer.seek(tp, from);
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (consumer.position(tp) < to && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() < to) {
                    values.add(r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    @Override
    public void close() {
        consumer.close();
        producer.close();
        admin.close();
    }
}
