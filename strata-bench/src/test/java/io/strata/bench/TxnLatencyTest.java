package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.StrataServer;
import io.strata.server.config.ServerConfig;
import io.strata.testkit.Ports;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TxnLatencyTest {

    @TempDir
    Path dir;

    @Test
    void argumentsAreTheLoadsShape() {
        TxnLatency.Load load = TxnLatency.Load.parse(new String[] {"127.0.0.1:9092", "t", "6", "4", "500", "100",
            "100", "50"});

        assertThat(load.recordsPerProducer()).isEqualTo(550 * 100);
        assertThat(load.measuredRecords()).isEqualTo(4L * 500 * 100);
        assertThat(load.rate()).isZero();
        assertThat(TxnLatency.schedule(load, 0)).isInstanceOf(Pacing.AsFastAsPossible.class);
    }

    @Test
    void aRateSpreadsTheProducersTransactionsOverOneInterval() {
        // 10,000 records/s in transactions of 100 over 4 producers: 25 transactions/s each, one every 40 ms.
        TxnLatency.Load load = TxnLatency.Load.parse(new String[] {"127.0.0.1:9092", "t", "6", "4", "250", "100",
            "100", "25", "10000"});

        Pacing.FixedRate first = (Pacing.FixedRate) TxnLatency.schedule(load, 0);
        Pacing.FixedRate second = (Pacing.FixedRate) TxnLatency.schedule(load, 1);
        assertThat(first.intervalNanos()).isEqualTo(40_000_000L);
        assertThat(second.startNanos() - first.startNanos()).isBetween(10_000_000L, 11_000_000L);
    }

    @Test
    void aRecordCarriesItsSendTimeItsProducerAndItsNumber() {
        byte[] payload = new byte[100];

        TxnLatency.stamp(payload, 123_456_789L, 3, 41);

        ByteBuffer b = ByteBuffer.wrap(payload);
        assertThat(b.getLong(0)).isEqualTo(123_456_789L);
        assertThat(b.getInt(8)).isEqualTo(3);
        assertThat(b.getInt(12)).isEqualTo(41);
    }

    /** Smoke run against a real Strata node in this JVM: every committed record arrives once and is timed. */
    @Test
    void aSmallRunAgainstAStrataNodeReceivesEveryCommittedRecordOnce() throws Exception {
        int controllerPort = Ports.free();
        try (StrataServer server = StrataServer.start(ServerConfig.from(Map.of("node.id", "1",
                "process.roles", "broker,controller",
                "listeners", "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:" + controllerPort,
                "controller.quorum.voters", "1@127.0.0.1:" + controllerPort,
                "log.dirs", dir.resolve("logs").toString(),
                "http.listeners", "HTTP://127.0.0.1:0",
                // One partition of __transaction_state to create and load instead of 50: a shorter test.
                "transaction.state.log.num.partitions", "1")))) {
            assertThat(CaseRunner.createTopic(server.bootstrapServers(), "txn-smoke", 2)).isEmpty();
            // 2 producers x (1 warm-up + 2 counted) transactions of 10 records over 2 partitions.
            TxnLatency.Outcome o = TxnLatency.run(new TxnLatency.Load(server.bootstrapServers(), "txn-smoke", 2, 2,
                    2, 10, 100, 1, 0));

            assertThat(o.failure()).isEmpty();
            assertThat(o.received()).isEqualTo(60);
            assertThat(o.latencies().percentiles().count()).isEqualTo(40);
            assertThat(o.rate()).isPositive();
            assertThat(ToolOutput.latency(E2eLatency.summary(o.rate(), o.latencies().percentiles()))).isPresent();

            // Paced: 400 records/s in transactions of 10 over 2 producers, one transaction every 50 ms each.
            TxnLatency.Outcome paced = TxnLatency.run(new TxnLatency.Load(server.bootstrapServers(), "txn-smoke", 2,
                    2, 4, 10, 100, 1, 400));
            assertThat(paced.failure()).isEmpty();
            assertThat(paced.received()).isEqualTo(100);
            assertThat(paced.latencies().percentiles().count()).isEqualTo(80);
            // 80 counted records over at least 3 intervals of 50 ms: at most 533 records/s.
            assertThat(paced.rate()).isPositive().isLessThanOrEqualTo(540);
        }
    }
}
