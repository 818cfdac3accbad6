package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonTextTest {

    @Test
    void stringsAreEscapedAndNumbersWithoutAValueAreNull() {
        assertThat(JsonText.string("a \"b\" \\ c\nd")).isEqualTo("\"a \\\"b\\\" \\\\ c\\nd\"");
        assertThat(JsonText.number(1234.5678)).isEqualTo("1234.57");
        assertThat(JsonText.number(Double.NaN)).isEqualTo("null");
        assertThat(JsonText.number(Double.POSITIVE_INFINITY)).isEqualTo("null");
    }

    @Test
    void aSampleHasItsReasonOrItsMetrics() {
        StringBuilder sb = new StringBuilder();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("rate", 2.0);
        metrics.put("p99", Double.NaN);
        JsonText.sample(sb, true, "kafka", 1, Optional.empty(), Optional.of(metrics));
        JsonText.sample(sb, false, "strata", 2, Optional.of("n/a (\"x\")"), Optional.empty());
        assertThat(sb).hasToString("{\"broker\": \"kafka\", \"run\": 1, \"rate\": 2.00000, \"p99\": null}, "
                + "{\"broker\": \"strata\", \"run\": 2, \"reason\": \"n/a (\\\"x\\\")\"}");
    }

    @Test
    void aFieldIsALineOfItsOwn() {
        StringBuilder sb = new StringBuilder();
        JsonText.field(sb, "host", JsonText.string("h"));
        assertThat(sb).hasToString("  \"host\": \"h\",\n");
    }
}
