package io.strata.cli.consume;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses {@code --from-time} (and {@code group reset-offsets --to-datetime}): epoch milliseconds, an ISO-8601
 * instant or date-time (with an offset, or in the local time zone without), a date (its local midnight), or a time
 * ago such as {@code -15m}, {@code -2h}, {@code -1d}.
 * Stateless and thread-safe; {@link #now} and {@link #zone} are fixed per instance for tests.
 */
public final class TimeSpec implements ITypeConverter<Instant> {

    private static final Pattern AGO = Pattern.compile("-(\\d+)(ms|s|m|h|d)");

    private final Instant now;
    private final ZoneId zone;

    public TimeSpec() {
        this(Instant.now(), ZoneId.systemDefault());
    }

    TimeSpec(Instant now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    @Override
    public Instant convert(String text) {
        String s = text.trim();
        if (s.matches("\\d+")) {
            return Instant.ofEpochMilli(Long.parseLong(s));
        }
        Matcher ago = AGO.matcher(s.toLowerCase(Locale.ROOT));
        if (ago.matches()) {
            long n = Long.parseLong(ago.group(1));
            Duration d = switch (ago.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            // not with an offset; try the next form
        }
        try {
            return LocalDateTime.parse(s).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            // not a local date-time
        }
        try {
            return LocalDate.parse(s).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("expected epoch milliseconds, an ISO-8601 time such as "
                    + "2024-05-01T12:00:00Z, a date, or a time ago such as -15m, but got '" + text + "'");
        }
    }
}
