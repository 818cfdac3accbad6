package io.strata.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.controller.Controller;
import io.strata.server.resources.FileDescriptorGuard;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PartitionAdmissionTest {

    /** 1,024 descriptors, 256 of them reserved, 734 open: room for 34 partitions at one descriptor each. */
    static FileDescriptorGuard roomForThirtyFourPartitions() {
        return new FileDescriptorGuard(() -> Optional.of(new FileDescriptorGuard.Usage(734, 1024)), System::nanoTime);
    }

    private final PartitionAdmission admission = new PartitionAdmission(roomForThirtyFourPartitions());

    @Test
    void admitsWhatTheNodeHasDescriptorsFor() {
        assertThat(admission.check(34)).isEmpty();
        assertThat(admission.check(0)).isEmpty();
    }

    @Test
    void refusesWithPolicyViolationBeyondThat() {
        assertThat(admission.check(35)).hasValueSatisfying(e -> assertThat(e.getMessage())
                .contains("Not enough file descriptors", "35 new partition(s)"));
    }

    @Test
    void leavesRequestsOverKafkasCapToTheController() {
        assertThat(admission.check(Controller.MAX_PARTITIONS_PER_REQUEST)).isPresent();
        assertThat(admission.check(Controller.MAX_PARTITIONS_PER_REQUEST + 1L)).isEmpty();
    }
}
