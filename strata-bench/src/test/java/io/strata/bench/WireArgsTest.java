package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class WireArgsTest {

    private static final String[] PRODUCE = {"produce", "127.0.0.1:9092", "t", "6", "1024", "16", "all", "4", "5",
        "1000"};

    @Test
    void positionalArgumentsWithoutOptionsRunAsFastAsPossibleWithoutIdleFetchers() {
        WireArgs a = WireArgs.parse(PRODUCE);

        assertThat(a).isEqualTo(new WireArgs(WireArgs.Mode.PRODUCE, "127.0.0.1", 9092, "t", 6, 1024, 16, (short) -1, 4,
                5, 1000, 0, Optional.empty()));
        assertThat(a.toArgs()).containsExactly(PRODUCE);
    }

    @Test
    void rateAndIdleFetchersRoundTrip() {
        WireArgs a = new WireArgs(WireArgs.Mode.FETCH, "127.0.0.1", 1, "t", 1, 100, 163, (short) 1, 2, 1, 10, 250.0,
                Optional.of(new WireArgs.Idle(1000, "bench-idle", 100)));

        assertThat(a.toArgs()).endsWith("--rate", "250.0", "--idle-fetchers", "1000", "bench-idle", "100");
        assertThat(WireArgs.parse(a.toArgs().toArray(String[]::new))).isEqualTo(a);
    }

    @Test
    void badCommandLinesAreRefusedWithTheUsage() {
        assertThatThrownBy(() -> WireArgs.parse(new String[] {"produce"})).hasMessageContaining("usage: WireLoad");
        String[] badMode = PRODUCE.clone();
        badMode[0] = "consume";
        assertThatThrownBy(() -> WireArgs.parse(badMode)).hasMessageContaining("usage: WireLoad");
        assertThatThrownBy(() -> WireArgs.parse(with("--idle-fetchers", "10", "t")))
                .hasMessageContaining("--idle-fetchers needs");
        assertThatThrownBy(() -> WireArgs.parse(with("--idle-fetchers", "0", "t", "1")))
                .hasMessageContaining("at least one fetcher");
        assertThatThrownBy(() -> WireArgs.parse(with("--rate"))).hasMessageContaining("--rate needs a value");
        assertThatThrownBy(() -> WireArgs.parse(with("--fast"))).hasMessageContaining("unknown option --fast");
        String[] tooManyInFlight = PRODUCE.clone();
        tooManyInFlight[8] = Integer.toString(WireArgs.MAX_INFLIGHT + 1);
        assertThatThrownBy(() -> WireArgs.parse(tooManyInFlight)).hasMessageContaining("out of range");
    }

    private static String[] with(String... options) {
        String[] all = new String[PRODUCE.length + options.length];
        System.arraycopy(PRODUCE, 0, all, 0, PRODUCE.length);
        System.arraycopy(options, 0, all, PRODUCE.length, options.length);
        return all;
    }
}
