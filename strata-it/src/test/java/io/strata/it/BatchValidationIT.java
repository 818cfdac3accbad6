package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every batch of the malformed-batch table ({@link MalformedBatches}, whose codes {@code KafkaReferenceBatchIT} checks
 * against Apache Kafka) is refused by Strata with Kafka's error code and leaves the partition untouched, issue 15's
 * two examples among them; the Strata-only cases are refused too. A gzip bomb is accepted, as Kafka does, without
 * the broker's memory noticing.
 */
class BatchValidationIT {

    @TempDir
    static Path dir;
    static TestNode node;
    static MalformedBatchProbe probe;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start(dir);
        probe = new MalformedBatchProbe(node.bootstrap(), node.port());
    }

    @AfterAll
    static void stopNode() {
        probe.close();
        node.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.strata.it.MalformedBatches#all")
    void aMalformedBatchIsRefusedWithKafkasCodeAndLeavesThePartitionUntouched(MalformedBatches.Case c)
            throws Exception {
        probe.send(c).assertRefused(c.expected(), c.recordErrors());
    }

    @Test
    void aGzipBombIsWalkedWithoutTheBrokerHoldingItsInflatedSize() throws Exception {
        // Half a MiB of gzip that inflates to 512 MiB: Kafka accepts it, and so do we, in a -Xmx512m node process.
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1 << 20), Compression.gzip().build(),
                TimestampType.CREATE_TIME, 0L);
        byte[] mib = new byte[1 << 20];
        for (int i = 0; i < 512; i++) {
            builder.append(System.currentTimeMillis(), MalformedBatches.bytes("k"), mib);
        }
        MemoryRecords bomb = builder.build();
        assertThat(bomb.sizeInBytes()).isLessThan(1 << 20);
        try (NodeProcess process = new NodeProcess(dir.resolve("bomb"), new HashMap<>())) {
            process.start();
            try (Admin admin = Clients.admin(process.bootstrap())) {
                admin.createTopics(List.of(new NewTopic("bomb", 1, (short) 1))).all().get();
            }
            int port = Integer.parseInt(process.bootstrap().substring(process.bootstrap().lastIndexOf(':') + 1));
            long rssBefore = procStatusKib(process.pid(), "VmRSS:");
            long started = System.nanoTime();
            ProduceResponseData.PartitionProduceResponse response = MalformedBatchProbe.produce(port, "bomb", bomb, (short) 12);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.NONE);
            assertThat(took).isLessThan(Duration.ofSeconds(30));
            // The peak resident size since start grew by a fraction of the inflated 512 MiB.
            assertThat(procStatusKib(process.pid(), "VmHWM:") - rssBefore).isLessThan(128 * 1024);
        }
    }

    /** A {@code /proc/PID/status} field in KiB. */
    private static long procStatusKib(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
            }
        }
        throw new IllegalStateException(field + " missing from /proc/" + pid + "/status");
    }
}
