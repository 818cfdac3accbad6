package io.strata.server.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class StoreErrorsTest {

    @Test
    void failedWritesBecomeErrorsTheClientRetries() {
        for (Throwable failure : new Throwable[] {new TimeoutException("t"), new NotEnoughReplicasException("r")}) {
            assertThat(StoreErrors.forOffsets(new CompletionException(failure)))
                    .isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
            assertThat(StoreErrors.forGroup(failure)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        }
        assertThat(StoreErrors.forOffsets(new NotLeaderOrFollowerException("l"))).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(StoreErrors.forGroup(new NotLeaderOrFollowerException("l"))).isEqualTo(Errors.NOT_COORDINATOR);
    }

    @Test
    void tooLargeWritesAreAnInvalidCommitSizeForOffsetsAndAServerErrorForTheGroup() {
        assertThat(StoreErrors.forOffsets(new RecordTooLargeException("big")))
                .isEqualTo(Errors.INVALID_COMMIT_OFFSET_SIZE);
        assertThat(StoreErrors.forGroup(new RecordTooLargeException("big"))).isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
    }

    @Test
    void otherErrorsPassThrough() {
        assertThat(StoreErrors.forGroup(new InvalidGroupIdException("x"))).isEqualTo(Errors.INVALID_GROUP_ID);
    }
}
