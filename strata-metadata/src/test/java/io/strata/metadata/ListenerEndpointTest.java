package io.strata.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListenerEndpointTest {

    @TempDir
    Path dir;

    @Test
    void aPortIsPickedOnceAndKeptInTheMetadataDir() throws IOException {
        Path metadataDir = dir.resolve("meta");
        ListenerEndpoint first = ListenerEndpoint.resolve(metadataDir, "127.0.0.1", "broker-4", Optional.empty());
        assertThat(first.bind()).isEqualTo(InetSocketAddress.createUnresolved("127.0.0.1", first.bind().getPort()));
        assertThat(first.advertised()).isEqualTo(
                InetSocketAddress.createUnresolved("broker-4", first.bind().getPort()));
        assertThat(Files.readString(metadataDir.resolve(ListenerEndpoint.PORT_FILE)))
                .isEqualTo(Integer.toString(first.bind().getPort()));

        ListenerEndpoint again = ListenerEndpoint.resolve(metadataDir, "127.0.0.1", "broker-4", Optional.empty());
        assertThat(again).isEqualTo(first);
    }

    @Test
    void aWildcardHostBindsEveryInterface() throws IOException {
        ListenerEndpoint endpoint = ListenerEndpoint.resolve(dir, "", "localhost", Optional.empty());
        assertThat(endpoint.bind().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(endpoint.advertised().getHostString()).isEqualTo("localhost");
    }

    @Test
    void aConfiguredAddressIsBoundAndAdvertisedAsGivenAndKeepsNoPort() throws IOException {
        InetSocketAddress fixed = InetSocketAddress.createUnresolved("10.0.0.4", 19999);
        ListenerEndpoint endpoint = ListenerEndpoint.resolve(dir, "", "localhost", Optional.of(fixed));
        assertThat(endpoint).isEqualTo(new ListenerEndpoint(fixed, fixed));
        assertThat(dir.resolve(ListenerEndpoint.PORT_FILE)).doesNotExist();
    }

    @Test
    void aCorruptPortFileIsReportedNotReplaced() throws IOException {
        Files.writeString(dir.resolve(ListenerEndpoint.PORT_FILE), "garbage");
        assertThatThrownBy(() -> ListenerEndpoint.resolve(dir, "", "localhost", Optional.empty()))
                .isInstanceOf(IOException.class).hasMessageContaining("Corrupt");
    }
}
