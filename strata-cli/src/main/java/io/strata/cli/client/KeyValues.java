package io.strata.cli.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Parses {@code key=value} arguments; a malformed one is a usage error. Stateless and thread-safe. */
public final class KeyValues {

    private KeyValues() {
    }

    /** The pairs in argument order; the value may contain '=' and may be empty. */
    public static Map<String, String> parse(CommandSpec spec, String option, List<String> args) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new ParameterException(spec.commandLine(),
                        "expected key=value for " + option + " but got '" + arg + "'");
            }
            result.put(arg.substring(0, eq).trim(), arg.substring(eq + 1));
        }
        return result;
    }
}
