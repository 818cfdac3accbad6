package io.strata.server.quota;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    @Test
    void allowsABurstThenThrottlesUntilRefilled() {
        TokenBucket bucket = new TokenBucket(11, 1000, 0);
        // 2 partitions/s: a burst of 2 * 11 * 1 s = 22 tokens.
        bucket.record(22, 2, 0);
        assertThat(bucket.throttleTimeMs(2, 0)).isZero();
        bucket.record(10, 2, 0); // 10 below zero
        assertThat(bucket.throttleTimeMs(2, 0)).isEqualTo(5000);
        assertThat(bucket.throttleTimeMs(2, 4000)).isEqualTo(1000);
        assertThat(bucket.throttleTimeMs(2, 5000)).isZero();
    }

    @Test
    void neverHoldsMoreThanTheBurst() {
        TokenBucket bucket = new TokenBucket(11, 1000, 0);
        bucket.record(0, 1, 0);
        bucket.record(12, 1, 1_000_000); // an hour idle refills to 11, not more
        assertThat(bucket.throttleTimeMs(1, 1_000_000)).isEqualTo(1000);
    }
}
