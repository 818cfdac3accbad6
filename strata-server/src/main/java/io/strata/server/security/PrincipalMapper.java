package io.strata.server.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/**
 * Kafka's {@code ssl.principal.mapping.rules}: turns a client certificate's distinguished name (RFC 2253 form,
 * e.g. {@code CN=alice,OU=eng,O=corp}) into a user name. Rules are tried in order: {@code RULE:pattern/replacement/}
 * applies when the pattern matches the whole name and yields the replacement (with {@code $1}... groups), optionally
 * lower- ({@code /L}) or upper-cased ({@code /U}); {@code DEFAULT} yields the name unchanged. A name no rule matches
 * cannot authenticate.
 *
 * <p>Immutable and thread-safe.
 */
public final class PrincipalMapper {

    // One rule and its separator: DEFAULT, or RULE:pattern/replacement/[LU], where / and \ may be escaped.
    private static final Pattern RULE = Pattern.compile(
            "\\s*(DEFAULT|RULE:((?:\\\\.|[^\\\\/])*)/((?:\\\\.|[^\\\\/])*)/([LU]?))\\s*(?:,|\\n|$)");

    private record Rule(Optional<Pattern> pattern, String replacement, String caseChange) {
    }

    private final List<Rule> rules;

    private PrincipalMapper(List<Rule> rules) {
        this.rules = rules;
    }

    /** Parses a rule list; blank means {@code DEFAULT}. */
    public static PrincipalMapper parse(String value) {
        if (value == null || value.isBlank()) {
            return new PrincipalMapper(List.of(new Rule(Optional.empty(), "", "")));
        }
        List<Rule> rules = new ArrayList<>();
        Matcher m = RULE.matcher(value.trim());
        int end = 0;
        while (end < value.trim().length()) {
            if (!m.find(end) || m.start() != end) {
                throw new ConfigException("ssl.principal.mapping.rules", value, "invalid rule at '"
                        + value.trim().substring(end) + "'");
            }
            if (m.group(1).equals("DEFAULT")) {
                rules.add(new Rule(Optional.empty(), "", ""));
            } else {
                rules.add(new Rule(Optional.of(Pattern.compile(m.group(2))), m.group(3), m.group(4)));
            }
            end = m.end();
        }
        return new PrincipalMapper(List.copyOf(rules));
    }

    /**
     * The user name for a distinguished name.
     *
     * @throws IllegalArgumentException if no rule matches
     */
    public String map(String distinguishedName) {
        for (Rule rule : rules) {
            if (rule.pattern().isEmpty()) {
                return distinguishedName;
            }
            Matcher m = rule.pattern().get().matcher(distinguishedName);
            if (m.matches()) {
                String result = m.replaceAll(rule.replacement());
                return switch (rule.caseChange()) {
                    case "L" -> result.toLowerCase(Locale.ROOT);
                    case "U" -> result.toUpperCase(Locale.ROOT);
                    default -> result;
                };
            }
        }
        throw new IllegalArgumentException("No rule of ssl.principal.mapping.rules applies to " + distinguishedName);
    }
}
