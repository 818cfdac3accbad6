package io.strata.cli.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicSelectionTest {

    @Test
    void topicWithOrWithoutPartitions() {
        assertThat(TopicSelection.parse("orders")).isEqualTo(new TopicSelection("orders", Optional.empty()));
        assertThat(TopicSelection.parse("orders:2,0,2"))
                .isEqualTo(new TopicSelection("orders", Optional.of(List.of(0, 2))));
        for (String bad : List.of(":1", "orders:", "orders:a", "orders:-1", "orders:1,,2")) {
            assertThatThrownBy(() -> TopicSelection.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
