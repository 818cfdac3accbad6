package io.strata.server.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClassicMembershipTest {

    private static final String GROUP = "g";
    private static final Optional<String> INSTANCE = Optional.of("instance-1");

    private final GroupTestKit kit = new GroupTestKit();
    private JoinGroupResponseData joined;

    /** One static member that completed its join (the group awaits its SyncGroup). */
    @BeforeEach
    void joinedStaticMember() {
        CompletableFuture<JoinGroupResponseData> joining = kit.join(GROUP, "", INSTANCE);
        kit.awaitParked(GROUP, 1);
        kit.advance(GroupTestKit.CONFIG.initialRebalanceDelayMs());
        joined = joining.join();
    }

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void heartbeatsCheckIdentityAndGenerationInKafkasOrder() {
        assertThat(kit.membership.heartbeat(GROUP, joined.memberId(), INSTANCE, joined.generationId()))
                .isEqualTo(Errors.NONE);
        assertThat(kit.membership.heartbeat(GROUP, "other", INSTANCE, joined.generationId()))
                .isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(kit.membership.heartbeat(GROUP, "other", Optional.empty(), joined.generationId()))
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(kit.membership.heartbeat(GROUP, joined.memberId(), INSTANCE, joined.generationId() + 1))
                .isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(kit.membership.heartbeat("", joined.memberId(), INSTANCE, joined.generationId()))
                .isEqualTo(Errors.INVALID_GROUP_ID);
    }

    @Test
    void leavingAnswersPerMemberAndEmptiesTheGroup() {
        Optional<List<Errors>> errors = kit.membership.leave(GROUP, List.of(
                new ClassicMembership.Leaving("someone-else", INSTANCE),
                new ClassicMembership.Leaving("unknown", Optional.empty()),
                new ClassicMembership.Leaving("", INSTANCE)));

        assertThat(errors).contains(List.of(Errors.FENCED_INSTANCE_ID, Errors.UNKNOWN_MEMBER_ID, Errors.NONE));
        assertThat(kit.state(GROUP)).isEqualTo(GroupState.EMPTY);
        assertThat(kit.membership.leave("unknown-group", List.of())).isEmpty();
    }
}
