package io.strata.bench;

/** Option values shared by the bench commands' hand-written argument parsers. Stateless. */
final class BenchArgs {

    private BenchArgs() {
    }

    /** The value of the option at {@code args[i - 1]}. */
    static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /** {@code --output table|json}: true for JSON. */
    static boolean jsonOutput(String value) {
        if (!value.equals("table") && !value.equals("json")) {
            throw new IllegalArgumentException("--output must be table or json");
        }
        return value.equals("json");
    }
}
