package io.strata.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

class RestExceptionTest {

    @Test
    void kafkaFailuresAre50002Or50003WhenRetriable() {
        assertThat(RestException.kafka(new RecordTooLargeException("big")).errorCode()).isEqualTo(50002);
        assertThat(RestException.kafka(new NotLeaderOrFollowerException("moved")).errorCode()).isEqualTo(50003);
        assertThat(RestException.kafka(new RecordTooLargeException("big")).status()).isEqualTo(500);
    }

    @Test
    void notFoundCodesAreConfluents() {
        assertThat(RestException.topicNotFound("t").errorCode()).isEqualTo(40401);
        assertThat(RestException.partitionNotFound("t", 3).errorCode()).isEqualTo(40402);
        assertThat(RestException.instanceNotFound().errorCode()).isEqualTo(40403);
        assertThat(RestException.instanceNotFound().status()).isEqualTo(404);
    }
}
