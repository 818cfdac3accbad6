package io.strata.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesNestedValuesInOrderOnOneLine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", 1);
        m.put("a", List.of(true, 2.5, "x"));
        m.put("n", null);
        m.put("e", Map.of());
        assertThat(Json.write(m)).isEqualTo("{\"b\":1,\"a\":[true,2.5,\"x\"],\"n\":null,\"e\":{}}");
        assertThat(Json.write(Double.NaN)).isEqualTo("null");
    }

    @Test
    void escapesEveryControlCharacterSoThatAParserReadsTheSameString() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x30; c++) {
            all.append(c);
        }
        String tricky = all + "\"\\/ö€😀\u2028";

        String json = Json.write(Map.of("s", tricky));

        assertThat(json).doesNotContain("\n", "\r", "\u2028");
        JsonNode parsed = new ObjectMapper().readTree(json);
        assertThat(parsed.get("s").asText()).isEqualTo(tricky);
    }
}
