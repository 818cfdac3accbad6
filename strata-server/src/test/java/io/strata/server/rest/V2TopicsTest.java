package io.strata.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class V2TopicsTest {

    @Test
    void aPartitionInThePathIsANonNegativeNumberOr40402() {
        assertThat(V2Topics.partitionId("t", "7")).isEqualTo(7);
        for (String bad : new String[] {"-1", "x", "99999999999"}) {
            assertThatThrownBy(() -> V2Topics.partitionId("t", bad))
                    .isInstanceOfSatisfying(RestException.class, e -> assertThat(e.errorCode()).isEqualTo(40402));
        }
    }
}
