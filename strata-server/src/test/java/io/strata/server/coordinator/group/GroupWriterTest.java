package io.strata.server.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.server.coordinator.ManualTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

class GroupWriterTest {

    private final ManualTime time = new ManualTime();
    private final HeldStore store = new HeldStore();
    private final GroupWriter writer = new GroupWriter(store, time);
    private final ClassicGroup group = new ClassicGroup("g", 0, time);
    private final List<String> seen = new ArrayList<>();

    private CompletableFuture<Void> write(String name) {
        group.lock.lock();
        try {
            return writer.write(group, List.of(writer.record(new byte[] {1}, null)), new PendingWrites.Effect() {
                @Override
                public void committed() {
                    assertThat(group.lock.isHeldByCurrentThread()).isTrue();
                    seen.add(name);
                }

                @Override
                public void failed(ApiException error) {
                    seen.add(name + " failed: " + error.getClass().getSimpleName());
                }
            });
        } finally {
            group.lock.unlock();
        }
    }

    @Test
    void theFutureCompletesOnlyAfterTheEffectWasAppliedUnderTheGroupLock() {
        CompletableFuture<Void> done = write("offsets");
        assertThat(store.appended()).hasSize(1);
        assertThat(done).isNotDone();
        assertThat(seen).isEmpty();

        store.commitNext();

        assertThat(done).isCompleted();
        assertThat(seen).containsExactly("offsets");
    }

    @Test
    void aFailedWriteFailsItsFutureWithTheStoreErrorAndAppliesNothing() {
        CompletableFuture<Void> done = write("offsets");

        store.failNext(new NotCoordinatorException("moved"));

        assertThatThrownBy(done::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(NotCoordinatorException.class);
        assertThat(seen).containsExactly("offsets failed: NotCoordinatorException");
    }

    @Test
    void recordsCarryTheCoordinatorClock() {
        time.sleep(1234);
        SimpleRecord record = writer.record(new byte[] {1}, new byte[] {2});
        assertThat(record.timestamp()).isEqualTo(time.milliseconds());
    }

    @Test
    void causeUnwrapsCompletionAndWrapsNonApiFailures() {
        NotCoordinatorException api = new NotCoordinatorException("moved");
        assertThat(GroupWriter.cause(new CompletionException(api))).isSameAs(api);
        assertThat(GroupWriter.cause(new IllegalStateException("bug"))).isInstanceOf(UnknownServerException.class);
    }
}
