package io.strata.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/** Limits, duplicates and expiry of instances; their consumers are never connected (nothing listens). */
class ConsumerInstancesTest {

    private static ConsumerInstance instance(String group) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", "127.0.0.1:1",
                "group.id", group), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        return new ConsumerInstance(EmbeddedFormat.BINARY, Duration.ofSeconds(1), consumer);
    }

    @Test
    void theMaximumAndDuplicatesAreRefusedWithCodes() {
        try (ConsumerInstances instances = new ConsumerInstances(2, Duration.ofMinutes(5))) {
            instances.add("g", "a", () -> instance("g"));
            assertThatThrownBy(() -> instances.add("g", "a", () -> instance("g")))
                    .isInstanceOfSatisfying(RestException.class, e -> assertThat(e.errorCode()).isEqualTo(40902));
            instances.add("other", "a", () -> instance("other"));
            assertThatThrownBy(() -> instances.add("g", "b", () -> {
                throw new AssertionError("not created beyond the maximum");
            })).isInstanceOfSatisfying(RestException.class, e -> {
                assertThat(e.status()).isEqualTo(429);
                assertThat(e.errorCode()).isEqualTo(42901);
            });
            instances.remove("g", "a");
            assertThatThrownBy(() -> instances.get("g", "a"))
                    .isInstanceOfSatisfying(RestException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
            assertThatThrownBy(() -> instances.remove("g", "a"))
                    .isInstanceOfSatisfying(RestException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
            instances.add("g", "b", () -> instance("g"));
            assertThat(instances.size()).isEqualTo(2);
        }
    }

    @Test
    void idleInstancesExpireAndUsedOnesStay() {
        try (ConsumerInstances instances = new ConsumerInstances(10, Duration.ofMillis(400))) {
            ConsumerInstance idle = instances.add("g", "idle", () -> instance("g"));
            ConsumerInstance busy = instances.add("g", "busy", () -> instance("g"));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
                busy.use(c -> null);
                return instances.size() == 1;
            });
            assertThat(instances.get("g", "busy")).isSameAs(busy);
            assertThatThrownBy(() -> idle.use(c -> null))
                    .isInstanceOfSatisfying(RestException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
        }
    }
}
