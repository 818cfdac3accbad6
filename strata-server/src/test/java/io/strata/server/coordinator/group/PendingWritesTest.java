package io.strata.server.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class PendingWritesTest {

    private final PendingWrites writes = new PendingWrites();
    private final List<String> applied = new ArrayList<>();

    private PendingWrites.Write add(String name) {
        return writes.add(new PendingWrites.Effect() {
            @Override
            public void committed() {
                applied.add(name);
            }

            @Override
            public void failed(ApiException error) {
                applied.add("undo " + name);
            }
        });
    }

    @Test
    void aLaterCommitAppliesTheEarlierWritesFirstInAppendOrder() {
        PendingWrites.Write first = add("first");
        PendingWrites.Write second = add("second");
        PendingWrites.Write third = add("third");

        assertThat(writes.committed(second)).containsExactly(first, second);
        assertThat(applied).containsExactly("first", "second");
        assertThat(writes.committed(first)).isEmpty();
        assertThat(writes.failed(first, new TimeoutException("late"))).isFalse();
        assertThat(applied).containsExactly("first", "second");
        assertThat(writes.isEmpty()).isFalse();

        assertThat(writes.committed(third)).containsExactly(third);
        assertThat(writes.isEmpty()).isTrue();
    }

    @Test
    void aFailedWriteIsNeverAppliedAndLeavesTheOthersPending() {
        PendingWrites.Write first = add("first");
        PendingWrites.Write second = add("second");

        assertThat(writes.failed(first, new TimeoutException("no replication"))).isTrue();
        assertThat(applied).containsExactly("undo first");
        assertThat(writes.committed(first)).isEmpty();

        assertThat(writes.committed(second)).containsExactly(second);
        assertThat(applied).containsExactly("undo first", "second");
    }
}
