package io.strata.cli.client;

/**
 * An operation failed for a reason the user should read as one line (exit code 1): the topic exists, the broker
 * cannot be reached, a file cannot be read. Usage errors are picocli {@code ParameterException}s instead (exit 2).
 */
public final class CliException extends RuntimeException {

    public CliException(String message) {
        super(message, null, false, false);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
