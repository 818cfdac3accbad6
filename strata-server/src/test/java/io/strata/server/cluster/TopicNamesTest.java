package io.strata.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.InvalidTopicException;
import org.junit.jupiter.api.Test;

class TopicNamesTest {

    @Test
    void acceptsKafkaLegalNames() {
        for (String name : new String[] {"a", "orders.v1", "my_topic-2", "x".repeat(249), "__consumer_offsets"}) {
            TopicNames.validate(name);
        }
    }

    @Test
    void rejectsIllegalNames() {
        for (String name : new String[] {"", ".", "..", "x".repeat(250), "with space", "slash/", "ü"}) {
            assertThatThrownBy(() -> TopicNames.validate(name)).isInstanceOf(InvalidTopicException.class);
            assertThat(TopicNames.isValid(name)).isFalse();
        }
    }
}
