package io.strata.server.console;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The console API's JSON text (RFC 8259) from maps, collections, strings, numbers, booleans, {@link Optional}s and
 * nulls; anything else is written as its {@code toString()}.
 *
 * <p>Strings may be hostile (topic names, keys, headers): besides JSON's own escapes, {@code <}, {@code >},
 * {@code &}, U+2028/U+2029 and unpaired surrogates are written as {@code \}{@code uXXXX}, so that the text stays
 * inert even if a browser were to sniff it as HTML or embed it in a script. Stateless and thread-safe.
 */
final class JsonWriter {

    private JsonWriter() {
    }

    /** The compact JSON text of {@code value}. */
    static String write(Object value) {
        StringBuilder sb = new StringBuilder(256);
        append(sb, value);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Object value) {
        switch (value) {
            case null -> sb.append("null");
            case String s -> string(sb, s);
            case Boolean b -> sb.append(b);
            case Double d when d.isNaN() || d.isInfinite() -> sb.append("null");
            case Float f when f.isNaN() || f.isInfinite() -> sb.append("null");
            case Number n -> sb.append(n);
            case Optional<?> o -> append(sb, o.orElse(null));
            case Map<?, ?> map -> object(sb, map);
            case Collection<?> list -> array(sb, list);
            default -> string(sb, value.toString());
        }
    }

    private static void object(StringBuilder sb, Map<?, ?> map) {
        sb.append('{');
        Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<?, ?> e = it.next();
            string(sb, String.valueOf(e.getKey()));
            sb.append(':');
            append(sb, e.getValue());
            if (it.hasNext()) {
                sb.append(',');
            }
        }
        sb.append('}');
    }

    private static void array(StringBuilder sb, Collection<?> list) {
        sb.append('[');
        Iterator<?> it = list.iterator();
        while (it.hasNext()) {
            append(sb, it.next());
            if (it.hasNext()) {
                sb.append(',');
            }
        }
        sb.append(']');
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029'
                            || unpairedSurrogate(s, i)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static boolean unpairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
    }
}
