package io.strata.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class TransactionSupportTest {

    @Test
    void aProduceRequestsVersionSaysWhatItsClientKnows() {
        assertThat(TransactionSupport.forProduce((short) 3)).isEqualTo(TransactionSupport.DEFAULT_ERROR);
        assertThat(TransactionSupport.forProduce((short) 10)).isEqualTo(TransactionSupport.DEFAULT_ERROR);
        assertThat(TransactionSupport.forProduce((short) 11)).isEqualTo(TransactionSupport.GENERIC_ERROR_SUPPORTED);
        assertThat(TransactionSupport.forProduce((short) 12)).isEqualTo(TransactionSupport.ADD_PARTITION);
        assertThat(TransactionSupport.forProduce((short) 13)).isEqualTo(TransactionSupport.ADD_PARTITION);
        assertThat(TransactionSupport.ADD_PARTITION.addsPartitions()).isTrue();
        assertThat(TransactionSupport.GENERIC_ERROR_SUPPORTED.addsPartitions()).isFalse();
    }

    @Test
    void aWriteOutsideTheTransactionIsAbortableForClientsThatKnowItAndInvalidStateForOlderOnes() {
        for (Errors answer : new Errors[] {Errors.TRANSACTION_ABORTABLE, Errors.INVALID_TXN_STATE}) {
            assertThat(TransactionSupport.DEFAULT_ERROR.clientError(answer)).isEqualTo(Errors.INVALID_TXN_STATE);
            assertThat(TransactionSupport.GENERIC_ERROR_SUPPORTED.clientError(answer))
                    .isEqualTo(Errors.TRANSACTION_ABORTABLE);
            assertThat(TransactionSupport.ADD_PARTITION.clientError(answer)).isEqualTo(Errors.TRANSACTION_ABORTABLE);
        }
    }

    @Test
    void theCoordinatorsUnavailabilityIsRetriableAndAFencedProducerIsToldInTermsItKnows() {
        for (TransactionSupport support : TransactionSupport.values()) {
            for (Errors answer : new Errors[] {Errors.NOT_COORDINATOR, Errors.COORDINATOR_NOT_AVAILABLE,
                    Errors.COORDINATOR_LOAD_IN_PROGRESS, Errors.CONCURRENT_TRANSACTIONS, Errors.NETWORK_EXCEPTION,
                    Errors.REQUEST_TIMED_OUT}) {
                assertThat(support.clientError(answer)).as("%s %s", support, answer)
                        .isEqualTo(Errors.NOT_ENOUGH_REPLICAS);
            }
            assertThat(support.clientError(Errors.CLUSTER_AUTHORIZATION_FAILED)).isEqualTo(Errors.INVALID_TXN_STATE);
            assertThat(support.clientError(Errors.INVALID_PRODUCER_ID_MAPPING))
                    .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
            assertThat(support.clientError(Errors.INVALID_PRODUCER_EPOCH)).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        }
        assertThat(TransactionSupport.DEFAULT_ERROR.clientError(Errors.PRODUCER_FENCED))
                .isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        assertThat(TransactionSupport.GENERIC_ERROR_SUPPORTED.clientError(Errors.PRODUCER_FENCED))
                .isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        assertThat(TransactionSupport.ADD_PARTITION.clientError(Errors.PRODUCER_FENCED))
                .isEqualTo(Errors.PRODUCER_FENCED);
    }
}
