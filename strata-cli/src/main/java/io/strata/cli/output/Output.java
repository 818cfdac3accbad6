package io.strata.cli.output;

import io.strata.server.json.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The one place where commands print: results to the command line's out stream (stdout unless a test redirects
 * it), notes and progress to its err stream. In JSON mode stdout receives exactly one JSON document per
 * {@link #json} call and nothing else.
 *
 * <p>Not thread-safe: one command uses it from its own thread.
 */
public final class Output {

    private final PrintWriter out;
    private final PrintWriter err;
    private final OutputFormat format;

    public Output(PrintWriter out, PrintWriter err, OutputFormat format) {
        this.out = out;
        this.err = err;
        this.format = format;
    }

    /** Output through the streams of the running command, as picocli configured them. */
    public static Output of(CommandSpec spec, OutputFormat format) {
        return new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), format);
    }

    public static Output of(CommandSpec spec) {
        return of(spec, OutputFormat.TABLE);
    }

    public boolean isJson() {
        return format == OutputFormat.JSON;
    }

    /** Prints one JSON value on its own line. */
    public void json(Object value) {
        out.println(Json.write(value));
        out.flush();
    }

    public void table(Table table) {
        table.render(out);
        out.flush();
    }

    /** A line of human-readable result text on stdout. */
    public void line(String text) {
        out.println(text);
        out.flush();
    }

    /**
     * A record line on stdout without flushing: a consumer prints many and calls {@link #flush} once per batch,
     * because flushing per line costs more than the rest of the work.
     */
    public void record(String text) {
        out.write(text);
        out.write('\n');
    }

    public void flush() {
        out.flush();
    }

    /** A note for people on stderr (warnings, summaries); never part of the result. */
    public void note(String text) {
        err.println(text);
        err.flush();
    }

    /** The raw error stream, for progress bars that redraw one line. */
    public PrintWriter err() {
        return err;
    }
}
