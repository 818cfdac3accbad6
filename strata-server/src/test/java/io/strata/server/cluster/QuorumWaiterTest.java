package io.strata.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** What a handler is told about a metadata write: the commit decides, a slow local publication does not fail it. */
class QuorumWaiterTest {

    @Test
    void aCommittedWriteIsDoneOncePublished() {
        QuorumWaiter waiter = new QuorumWaiter(1000, () -> CompletableFuture.completedFuture(null));
        assertThat(waiter.await(CompletableFuture.completedFuture("created"))).isEqualTo("created");
    }

    @Test
    void aCommittedWriteIsDoneEvenWhenThisNodeIsStillPublishingIt() {
        QuorumWaiter waiter = new QuorumWaiter(50, CompletableFuture::new);
        assertThat(waiter.await(CompletableFuture.completedFuture("created"))).isEqualTo("created");
    }

    @Test
    void aWriteTheQuorumDoesNotCommitInTimeTimesOut() {
        QuorumWaiter waiter = new QuorumWaiter(50, () -> CompletableFuture.completedFuture(null));
        assertThatThrownBy(() -> waiter.await(new CompletableFuture<>())).isInstanceOf(TimeoutException.class)
                .hasMessageContaining("did not answer within 50 ms");
    }

    @Test
    void aRefusedWriteKeepsItsApiError() {
        QuorumWaiter waiter = new QuorumWaiter(1000, () -> CompletableFuture.completedFuture(null));
        assertThatThrownBy(() -> waiter.await(CompletableFuture.failedFuture(new InvalidTopicException("bad"))))
                .isInstanceOf(InvalidTopicException.class);
    }

    @Test
    void aRequestMayAskForLessTimeButNotForMore() {
        QuorumWaiter waiter = QuorumWaiter.withoutPublishing(1000);
        assertThat(waiter.forRequest(50).timeoutMs()).isEqualTo(50);
        assertThat(waiter.forRequest(60_000).timeoutMs()).isEqualTo(1000);
        assertThat(waiter.forRequest(0).timeoutMs()).isEqualTo(1000);
        assertThat(waiter.forRequest(-1).timeoutMs()).isEqualTo(1000);
    }
}
