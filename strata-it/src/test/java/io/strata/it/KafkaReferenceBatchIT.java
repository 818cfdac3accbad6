package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The malformed-batch table ({@link MalformedBatches}) against a real Apache Kafka broker: every case Strata shares
 * with Kafka is refused by Kafka with the table's code and leaves Kafka's partition untouched, so the codes that
 * {@code BatchValidationIT} expects from Strata are Kafka's; for a Strata-only case, Kafka answers what the table says
 * it does (the documented difference is still true).
 */
class KafkaReferenceBatchIT {

    @TempDir
    static Path dir;
    static KafkaReferenceBroker kafka;
    static MalformedBatchProbe probe;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = KafkaReferenceBroker.start(dir.resolve("kafka"));
        probe = new MalformedBatchProbe(kafka.bootstrap(), kafka.port());
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (probe != null) {
            probe.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.strata.it.MalformedBatches#all")
    void kafkaAnswersTheTablesCode(MalformedBatches.Case c) throws Exception {
        MalformedBatchProbe.Outcome outcome = probe.send(c);
        if (c.strataOnly().isEmpty()) {
            outcome.assertRefused(c.expected(), c.recordErrors());
        } else if (c.kafkaAnswers() != Errors.NONE) {
            outcome.assertRefused(c.kafkaAnswers(), List.of());
        } else {
            assertThat(outcome.error()).as(outcome.response().toString()).isEqualTo(Errors.NONE);
        }
    }
}
