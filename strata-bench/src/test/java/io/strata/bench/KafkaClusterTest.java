package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class KafkaClusterTest {

    @Test
    void aFreePortBlockIsBindableAndBelowTheEphemeralRange() throws Exception {
        int base = KafkaCluster.freePortBlock(6);

        assertThat(base).isBetween(20_000, 32_000 - 6);
        for (int port = base; port < base + 6; port++) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        }
    }
}
