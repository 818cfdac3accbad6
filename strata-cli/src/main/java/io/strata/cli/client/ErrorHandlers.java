package io.strata.cli.client;

import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

/**
 * Exit codes and error lines for every command: 0 success, 1 the operation failed, 2 bad usage. Each failure is
 * one line on stderr, prefixed by the command's name, without a stack trace unless {@code STRATA_DEBUG} is set.
 */
public final class ErrorHandlers {

    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private ErrorHandlers() {
    }

    /** Installs the handlers on {@code cli} (they apply to its subcommands too). */
    public static CommandLine install(CommandLine cli) {
        return cli.setExecutionExceptionHandler(execution()).setParameterExceptionHandler(parameters());
    }

    static IExecutionExceptionHandler execution() {
        return (ex, cmd, parseResult) -> {
            Optional<ClientOptions> client = cmd.getCommand() instanceof UsesCluster c
                    ? Optional.of(c.clientOptions()) : Optional.empty();
            PrintWriter err = cmd.getErr();
            err.println(cmd.getCommandSpec().qualifiedName() + ": " + Errors.describe(ex, client));
            if (System.getenv("STRATA_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            err.flush();
            return FAILED;
        };
    }

    static IParameterExceptionHandler parameters() {
        return (ParameterException ex, String[] args) -> {
            CommandLine cmd = ex.getCommandLine();
            String name = cmd.getCommandSpec().qualifiedName();
            PrintWriter err = cmd.getErr();
            err.println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
            err.flush();
            return USAGE;
        };
    }
}
