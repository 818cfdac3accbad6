package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FirstAcksTest {

    @Test
    void nothingCountsBeforeItIsArmed() {
        FirstAcks acks = new FirstAcks(2);

        acks.acked(0, 100, 200);

        assertThat(acks.firstAck(0)).isEmpty();
        assertThat(acks.allAcked(List.of(0))).isFalse();
    }

    @Test
    void onlyWritesSentAfterTheArmedMomentCountAndTheFirstAckWins() {
        FirstAcks acks = new FirstAcks(3);
        acks.arm(1_000);

        acks.acked(0, 999, 1_500);   // sent before the kill: the dead leader may have acknowledged it
        acks.acked(0, 1_000, 4_000);
        acks.acked(0, 1_200, 4_100);
        acks.acked(2, 2_000, 3_000);

        assertThat(acks.firstAck(0)).hasValue(4_000);
        assertThat(acks.firstAck(1)).isEmpty();
        assertThat(acks.firstAck(2)).hasValue(3_000);
        assertThat(acks.allAcked(List.of(0, 2))).isTrue();
        assertThat(acks.allAcked(List.of(0, 1, 2))).isFalse();
    }

    @Test
    void armingAgainForgetsTheLastRound() {
        FirstAcks acks = new FirstAcks(1);
        acks.arm(0);
        acks.acked(0, 10, 20);

        acks.arm(100);

        assertThat(acks.firstAck(0)).isEmpty();
        acks.acked(0, 50, 150);
        assertThat(acks.firstAck(0)).isEmpty();
        acks.acked(0, 120, 130);
        assertThat(acks.firstAck(0)).hasValue(130);
    }
}
