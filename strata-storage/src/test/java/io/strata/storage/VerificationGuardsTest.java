package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VerificationGuardsTest {

    private final VerificationGuards guards = new VerificationGuards();

    @Test
    void oneEpochSharesItsGuardAndANewerEpochSupersedesIt() {
        VerificationGuard first = guards.take(1, (short) 0, false, 0);
        assertThat(guards.take(1, (short) 0, false, 5)).as("a concurrent first write").isSameAs(first);
        assertThat(guards.take(2, (short) 0, false, 0)).isNotSameAs(first);

        VerificationGuard newer = guards.take(1, (short) 1, false, 10);
        assertThat(guards.holds(first)).isFalse();
        assertThat(guards.holds(newer)).isTrue();

        VerificationGuard older = guards.take(1, (short) 0, false, 20);
        assertThat(guards.holds(older)).as("an older epoch never takes the newer one's place").isFalse();
        assertThat(guards.holds(newer)).isTrue();
    }

    @Test
    void aTransactionalWriteOfTheProducerUsesOrEndsItsGuard() {
        VerificationGuard data = guards.take(1, (short) 0, false, 0);
        VerificationGuard other = guards.take(2, (short) 0, false, 0);
        guards.onTransactionalWrite(1, (short) 0, false);
        assertThat(guards.holds(data)).as("used once").isFalse();
        assertThat(guards.holds(other)).as("another producer's").isTrue();

        VerificationGuard marker = guards.take(1, (short) 0, false, 0);
        assertThat(marker).isNotSameAs(data);
        guards.onTransactionalWrite(1, (short) 0, true);
        assertThat(guards.holds(marker)).isFalse();
    }

    @Test
    void aVersion2MarkerOfTheGuardsEpochEndsThePreviousTransactionAndKeepsIt() {
        VerificationGuard next = guards.take(1, (short) 4, true, 0);
        guards.onTransactionalWrite(1, (short) 4, true);
        assertThat(guards.holds(next)).isTrue();
        guards.onTransactionalWrite(1, (short) 5, true);
        assertThat(guards.holds(next)).as("the verified transaction's own marker").isFalse();

        VerificationGuard v1 = guards.take(2, (short) 4, false, 0);
        guards.onTransactionalWrite(2, (short) 4, true);
        assertThat(guards.holds(v1)).as("version 1 markers carry the transaction's own epoch").isFalse();
    }

    @Test
    void guardsExpireAndClear() {
        VerificationGuard old = guards.take(1, (short) 0, false, 1_000);
        VerificationGuard recent = guards.take(2, (short) 0, false, 5_000);
        guards.expire(6_000, 5_000);
        assertThat(guards.holds(old)).isFalse();
        assertThat(guards.holds(recent)).isTrue();
        guards.clear();
        assertThat(guards.holds(recent)).isFalse();
    }
}
