package io.strata.server.schemaid;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SubjectNameStrategyTest {

    @Test
    void namesSubjectsAsConfluentsStrategies() {
        assertThat(SubjectNameStrategy.TOPIC.subject("orders", false, "ignored")).isEqualTo("orders-value");
        assertThat(SubjectNameStrategy.TOPIC.subject("orders", true, null)).isEqualTo("orders-key");
        assertThat(SubjectNameStrategy.RECORD.subject("orders", false, "demo.Order")).isEqualTo("demo.Order");
        assertThat(SubjectNameStrategy.TOPIC_RECORD.subject("orders", true, "demo.Order"))
                .isEqualTo("orders-demo.Order");
        assertThat(SubjectNameStrategy.TOPIC.needsRecordName()).isFalse();
        assertThat(SubjectNameStrategy.RECORD.needsRecordName()).isTrue();
    }

    @Test
    void isChosenByConfluentsClassNamesOnly() {
        assertThat(SubjectNameStrategy.byClassName("io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"))
                .hasValue(SubjectNameStrategy.TOPIC_RECORD);
        assertThat(SubjectNameStrategy.byClassName("TopicNameStrategy")).isEmpty();
        assertThat(SubjectNameStrategy.classNames()).hasSize(3)
                .allMatch(n -> n.startsWith("io.confluent.kafka.serializers.subject."));
    }
}
