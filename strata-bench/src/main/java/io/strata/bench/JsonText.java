package io.strata.bench;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The bits of JSON the reports write by hand (the bench has no JSON library): strings, numbers (NaN and infinity
 * become {@code null}), top-level fields and one broker's sample. Stateless.
 */
final class JsonText {

    private JsonText() {
    }

    static String string(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    static String number(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.6g", v);
    }

    /** {@code "name": value,} on a line of its own; {@code value} is already JSON. */
    static void field(StringBuilder sb, String name, String value) {
        sb.append("  ").append(string(name)).append(": ").append(value).append(",\n");
    }

    /** {@code {"broker": .., "run": .., "reason": ..} or with the measured fields instead of a reason. */
    static void sample(StringBuilder sb, boolean first, String broker, int run, Optional<String> reason,
                       Optional<Map<String, Double>> metrics) {
        sb.append(first ? "" : ", ").append("{\"broker\": ").append(string(broker)).append(", \"run\": ").append(run);
        reason.ifPresent(r -> sb.append(", \"reason\": ").append(string(r)));
        metrics.ifPresent(f -> f.forEach((k, v) -> sb.append(", ").append(string(k)).append(": ").append(number(v))));
        sb.append('}');
    }
}
