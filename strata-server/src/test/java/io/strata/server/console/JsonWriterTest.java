package io.strata.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

    @Test
    void writesMapsListsAndScalars() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1);
        m.put("b", List.of(true, 2.5));
        m.put("c", null);
        m.put("d", Optional.of("x"));
        m.put("e", Optional.empty());
        m.put("f", Double.NaN);
        assertThat(JsonWriter.write(m))
                .isEqualTo("{\"a\":1,\"b\":[true,2.5],\"c\":null,\"d\":\"x\",\"e\":null,\"f\":null}");
    }

    @Test
    void hostileStringsStayInertInHtmlAndScripts() {
        String hostile = "</script><img src=x onerror=\"alert(1)\">&\u2028\n\u0001";
        String json = JsonWriter.write(List.of(hostile));
        assertThat(json).doesNotContain("<", ">", "&", "\u2028", "\n", "\u0001");
        assertThat(json).isEqualTo("[\"\\u003c/script\\u003e\\u003cimg src=x onerror=\\\"alert(1)\\\"\\u003e\\u0026"
                + "\\u2028\\n\\u0001\"]");
    }

    @Test
    void unpairedSurrogatesAreEscapedPairsKept() {
        assertThat(JsonWriter.write("a\uD83D")).isEqualTo("\"a\\ud83d\"");
        assertThat(JsonWriter.write("\uD83D\uDE00")).isEqualTo("\"\uD83D\uDE00\"");
        assertThat(JsonWriter.write(Arrays.asList("x", null))).isEqualTo("[\"x\",null]");
    }
}
