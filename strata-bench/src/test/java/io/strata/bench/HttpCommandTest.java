package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HttpCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void optionsHaveDefaultsAndRefuseNonsense() {
        HttpCommand.Options defaults = HttpCommand.Options.parse(new String[0]);
        assertThat(defaults.clients()).isEqualTo(4);
        assertThat(defaults.seconds()).isEqualTo(10);
        assertThat(defaults.batch()).isEqualTo(100);
        assertThat(defaults.commandLine()).isEqualTo("bin/strata bench http");
        HttpCommand.Options set = HttpCommand.Options.parse(new String[] {"--clients", "8", "--cases", "registry"});
        assertThat(set.clients()).isEqualTo(8);
        assertThat(set.cases()).isEqualTo("registry");
        assertThatThrownBy(() -> HttpCommand.Options.parse(new String[] {"--clients", "0"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpCommand.Options.parse(new String[] {"--nope"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requestBodiesAreTheProxysJson() throws Exception {
        JsonNode v2 = JSON.readTree(HttpCommand.v2Batch(3, false, 7));
        assertThat(v2.get("records")).hasSize(3);
        assertThat(v2.get("records").get(1).get("key").asText()).isEqualTo("k1");
        JsonNode avro = JSON.readTree(HttpCommand.v2Batch(2, true, 7));
        assertThat(avro.get("value_schema_id").asInt()).isEqualTo(7);
        assertThat(avro.get("records").get(0).has("key")).isFalse();
        String[] stream = new String(HttpCommand.v3Stream(2), StandardCharsets.UTF_8).split("\n");
        assertThat(stream).hasSize(2);
        assertThat(JSON.readTree(stream[1]).get("value").get("type").asText()).isEqualTo("JSON");
        assertThat(HttpCommand.value(5).length()).isBetween(90, 110);
        assertThat(HttpCommand.field("{\"id\":12}", "id")).isEqualTo("12");
        assertThat(HttpCommand.field("{\"data\":[{\"cluster_id\":\"abc-1\",\"x\":1}]}", "cluster_id"))
                .isEqualTo("abc-1");
    }

    @Test
    void onlyRequestsInsideTheWindowCount() throws Exception {
        AtomicLong calls = new AtomicLong();
        HttpCommand.Result r = HttpCommand.measure("t", 2, Duration.ofMillis(100), Duration.ofSeconds(1), () -> () -> {
            calls.incrementAndGet();
            Thread.sleep(5);
            return 10;
        }, 100);
        assertThat(r.requests()).isPositive().isLessThan(calls.get());
        assertThat(r.records()).isEqualTo(r.requests() * 10);
        assertThat(r.valueBytes()).isEqualTo(r.records() * 100);
        assertThat(r.latencyUs().getTotalCount()).isEqualTo(r.requests());
    }
}
