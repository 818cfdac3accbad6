package io.strata.it;

import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Produced;

/**
 * A Kafka Streams word count with {@code processing.guarantee=exactly_once_v2}, run as its own JVM by
 * {@link KafkaStreamsExactlyOnceIT} so that it can be killed with SIGKILL. Reads lines from the input topic, counts
 * the words (split on spaces) in a state store and writes every new count to the output topic (no record cache, so
 * each increment is a record).
 *
 * <p>Arguments: bootstrap servers, application id, state directory, input topic, output topic. Prints JSON lines on
 * standard output: {@code {"name":"running"}} when the instance reaches RUNNING and
 * {@code {"name":"processed","lines":N}} after every 500th line it has processed (not yet committed). Runs until
 * the process is killed.
 */
final class WordCountStreamsApp {

    private WordCountStreamsApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        Properties props = new Properties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
        props.put(StreamsConfig.STATE_DIR_CONFIG, args[2]);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // A killed instance's partitions move to the next one after its session times out (classic protocol) and
        // its open transaction is aborted after the transaction timeout: both short, so the test runs in seconds.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 500);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 5000);

        AtomicLong lines = new AtomicLong();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(args[3], Consumed.with(Serdes.String(), Serdes.String()))
                .peek((k, v) -> {
                    if (lines.incrementAndGet() % 500 == 0) {
                        System.out.println("{\"name\":\"processed\",\"lines\":" + lines.get() + "}");
                    }
                })
                .flatMapValues(line -> Arrays.asList(line.split(" ")))
                .groupBy((k, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
                .count()
                .toStream()
                .to(args[4], Produced.with(Serdes.String(), Serdes.Long()));

        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                System.out.println("{\"name\":\"running\"}");
            }
            if (now == KafkaStreams.State.ERROR) {
                System.out.println("{\"name\":\"error\"}");
            }
        });
        streams.start();
        new CountDownLatch(1).await();
    }
}
