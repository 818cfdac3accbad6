package io.strata.cli.client;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that does its work with one Admin client, created from the shared connection options and closed when
 * the command ends. Subclasses print through an {@link io.strata.cli.output.Output} built from {@link #spec}.
 */
public abstract class AdminCommand implements Callable<Integer>, UsesCluster {

    private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(200);

    @Mixin
    protected ClientOptions client;

    @Spec
    protected CommandSpec spec;

    @Override
    public ClientOptions clientOptions() {
        return client;
    }

    @Override
    public final Integer call() {
        validate();
        Admin admin = client.admin();
        try {
            return run(admin);
        } finally {
            // Every result the command needs has been awaited: do not wait for the client's own background
            // requests (a metadata refresh to a silent broker would hold the exit for its full timeout).
            admin.close(CLOSE_TIMEOUT);
        }
    }

    /** Checks argument combinations before connecting; throws {@code ParameterException} (exit 2). */
    protected void validate() {
    }

    /** Does the work; returns the exit code. Failures are thrown and reported by {@link ErrorHandlers}. */
    protected abstract int run(Admin admin);
}
