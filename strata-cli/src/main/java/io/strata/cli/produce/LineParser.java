package io.strata.cli.produce;

import io.strata.cli.client.CliException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Splits an input line into key and value at the first key separator; without a separator the whole line is the
 * value and the key is null. Stateless and thread-safe.
 */
record LineParser(Optional<String> keySeparator) {

    /** A parsed line: key (null without a separator) and value bytes in UTF-8. */
    record Line(byte[] key, byte[] value) {
        int size() {
            return (key == null ? 0 : key.length) + value.length;
        }
    }

    Line parse(String line, long lineNumber) {
        if (keySeparator.isEmpty()) {
            return new Line(null, line.getBytes(StandardCharsets.UTF_8));
        }
        String separator = keySeparator.get();
        int at = line.indexOf(separator);
        if (at < 0) {
            throw new CliException("line " + lineNumber + " has no key separator '" + separator + "'");
        }
        return new Line(line.substring(0, at).getBytes(StandardCharsets.UTF_8),
                line.substring(at + separator.length()).getBytes(StandardCharsets.UTF_8));
    }
}
