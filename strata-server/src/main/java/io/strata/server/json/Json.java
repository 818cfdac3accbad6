package io.strata.server.json;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Strata's one JSON writer, for the CLI's script output and the console's API: maps (keys written in iteration order,
 * so callers use {@link java.util.LinkedHashMap} for a stable field order), collections, strings, numbers, booleans,
 * enums (by name), {@link Optional}s (empty is null) and null; anything else as its {@code toString()}. One value is
 * written compactly on one line, so that streams of values are one object per line.
 *
 * <p>Strings may be hostile (topic names, record keys, headers). Besides JSON's own escapes, {@code <}, {@code >},
 * {@code &}, U+2028/U+2029 and unpaired surrogates are written as a backslash-u escape, so that the text stays inert
 * if a browser sniffs it as HTML or a page embeds it in a script; parsers read the same string back.
 *
 * <p>Stateless and thread-safe.
 */
public final class Json {

    private Json() {
    }

    /** The compact JSON text of {@code value}. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder(128);
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
            case Enum<?> e -> string(sb, e.name());
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

    /**
     * A JSON string literal (RFC 8259): quote and backslash escaped, control characters (below U+0020) as their
     * two-character escape where JSON has one, else as a backslash, 'u' and four lower-case hex digits; the latter
     * also for the HTML specials, for U+2028/U+2029, so that the output embeds safely in JavaScript, and for unpaired surrogates, which no
     * encoding can write and which would otherwise turn into '?' on the way out.
     */
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
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029' || unpairedSurrogate(s, i)) {
                        unicodeEscape(sb, c);
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

    private static void unicodeEscape(StringBuilder sb, char c) {
        sb.append("\\u");
        for (int shift = 12; shift >= 0; shift -= 4) {
            sb.append(Character.forDigit((c >> shift) & 0xf, 16));
        }
    }
}
