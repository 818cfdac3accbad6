package io.strata.server.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    @Test
    void everyControlCharacterHasItsExactEscape() {
        String[] expected = {
            "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
            "\\b", "\\t", "\\n", "\\u000b", "\\f", "\\r", "\\u000e", "\\u000f",
            "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
            "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f"};
        for (char c = 0; c < 0x20; c++) {
            assertThat(Json.write(String.valueOf(c))).as("U+%04X", (int) c).isEqualTo("\"" + expected[c] + "\"");
        }
        assertThat(Json.write("\" \\ / \u007f \u2028\u2029")).isEqualTo("\"\\\" \\\\ / \u007f \\u2028\\u2029\"");
    }

    @Test
    void unpairedSurrogatesAreEscapedAndPairsKept() throws Exception {
        String s = "a\ud83d b\ude00 \ud83d\ude00";

        String json = Json.write(s);

        assertThat(json).isEqualTo("\"a\\ud83d b\\ude00 \ud83d\ude00\"");
        assertThat(new ObjectMapper().readTree(json).asText()).isEqualTo(s);
    }

    @Test
    void optionalsAndEnumsAndNullsInLists() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("d", Optional.of("x"));
        m.put("e", Optional.empty());
        m.put("u", java.util.concurrent.TimeUnit.SECONDS);
        assertThat(Json.write(m)).isEqualTo("{\"d\":\"x\",\"e\":null,\"u\":\"SECONDS\"}");
        assertThat(Json.write(Arrays.asList("x", null))).isEqualTo("[\"x\",null]");
    }

    @Test
    void hostileStringsStayInertInHtmlAndScripts() throws Exception {
        String hostile = "</script><img src=x onerror=\"alert(1)\">&\u2028\n\u0001";

        String json = Json.write(List.of(hostile));

        assertThat(json).doesNotContain("<", ">", "&", "\u2028", "\n", "\u0001");
        assertThat(json).isEqualTo("[\"\\u003c/script\\u003e\\u003cimg src=x onerror=\\\"alert(1)\\\"\\u003e\\u0026"
                + "\\u2028\\n\\u0001\"]");
        assertThat(new ObjectMapper().readTree(json).get(0).asText()).isEqualTo(hostile);
    }
}
