package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.testkit.Ports;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Exit codes and one-line errors: bad usage exits 2 before connecting; an unreachable broker exits 1. */
class UsageAndConnectionErrorsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {
        "topic create",                                  // missing topic name
        "topic create t --partitions x",                 // not a number
        "topic alter t",                                 // nothing to alter
        "topic list --output xml",                       // unknown format
        "topic frobnicate",                              // unknown subcommand
        "produce t --acks 2",                            // invalid acks
        "produce t --compression brotli",                // unknown codec
        "consume t --offset 5",                          // --offset needs --partition
        "consume t --from-beginning --offset 1 --partition 0",
        "consume t --from-time yesterday-ish",           // unparsable time
        "consume t --group g --partition 0",
        "consume t --isolation committed",               // not an isolation level
        "config describe",                               // missing target
        "config describe --topic a --broker 1",          // two targets
        "config set --topic a retention.ms",             // not key=value
        "cluster describe --no-such-option",
    })
    void badUsageExitsTwoWithOneLine(String args) {
        // A port nobody listens on: usage errors must be reported before any connection attempt.
        Cli.Result r = Cli.run((args + " --bootstrap-server 127.0.0.1:" + Ports.free()).split(" "));

        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("strata").contains("--help").doesNotContain("Exception", "\tat ");
    }

    @Test
    void missingSubcommandExitsTwo() {
        Cli.Result r = Cli.run("topic");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString().contains("Missing required subcommand");
    }

    @Test
    void helpExitsZero() {
        Cli.Result r = Cli.run("topic", "create", "--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--partitions", "--replication-factor", "--if-not-exists");
    }

    @ParameterizedTest
    @ValueSource(strings = {"topic list", "config describe --topic t", "produce t", "consume t"})
    void unreachableBrokerIsOneLineAndExitOne(String args) throws Exception {
        int port = Ports.free();
        Path config = dir.resolve("client.properties");
        // The CLI checks for a listening broker before it starts a client, so this fails at once; the short
        // timeouts only bound the test if that check ever regresses.
        Files.writeString(config, "default.api.timeout.ms=1000\nrequest.timeout.ms=1000\nmax.block.ms=1000\n");
        Path input = dir.resolve("in.txt");
        Files.writeString(input, "hello\n");
        String extra = args.startsWith("produce") ? " --file " + input : "";

        Cli.Result r = Cli.run((args + extra + " --bootstrap-server 127.0.0.1:" + port + " --command-config "
                + config).split(" "));

        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("cannot reach a broker at 127.0.0.1:" + port).doesNotContain("\tat ");
    }

    @Test
    void brokerThatAcceptsButNeverAnswersTimesOutWithOneLine() throws Exception {
        // A listening socket that nobody serves: TCP connects, Kafka requests go unanswered.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path config = dir.resolve("short.properties");
            Files.writeString(config, "default.api.timeout.ms=1000\nrequest.timeout.ms=500\n");
            String bootstrap = "127.0.0.1:" + silent.getLocalPort();

            Cli.Result r = Cli.run("topic", "list", "--bootstrap-server", bootstrap, "--command-config",
                    config.toString());

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.errLines()).singleElement().asString()
                    .startsWith("strata topic list: no answer from the cluster at " + bootstrap + " within 1 s");
        }
    }

    @Test
    void missingCommandConfigFileIsOneLine() {
        Cli.Result r = Cli.run("topic", "list", "--command-config", dir.resolve("nope.properties").toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.errLines()).singleElement().asString().contains("cannot read --command-config");
    }
}
