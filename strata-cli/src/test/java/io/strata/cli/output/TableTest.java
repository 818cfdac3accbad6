package io.strata.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void alignsColumnsWithoutTrailingBlanks() {
        StringWriter out = new StringWriter();
        Table.of("ID", "NAME", "X").row(1, "a-long-name", null).row(22, "b", "yes").render(new PrintWriter(out));

        assertThat(out.toString().lines()).containsExactly(
                "ID  NAME         X",
                "1   a-long-name  -",
                "22  b            yes");
    }
}
