package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaslSslSetupTest {

    @TempDir
    Path dir;

    @Test
    void makesACertificateFor127001TrustedByTheClientConfig() throws Exception {
        Jvm jvm = Jvm.detect(Path.of("."));
        SaslSslSetup setup;
        try (ChildProcesses children = new ChildProcesses()) {
            setup = SaslSslSetup.create(dir, jvm, children);
        }

        Properties client = new Properties();
        try (InputStream in = Files.newInputStream(setup.clientConfig())) {
            client.load(in);
        }
        assertThat(client).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism",
                "SCRAM-SHA-512");
        KeyStore trust = load(Path.of(client.getProperty("ssl.truststore.location")),
                client.getProperty("ssl.truststore.password"));
        X509Certificate trusted = (X509Certificate) trust.getCertificate("broker");
        // Kafka clients verify the host name: the certificate must name 127.0.0.1 as an IP address.
        assertThat(trusted.getSubjectAlternativeNames()).contains(List.of(7, "127.0.0.1"));

        Map<String, String> broker = setup.brokerConfigs(1001, 1002, 1003);
        assertThat(broker.get("listeners")).isEqualTo(
                "PLAINTEXT://127.0.0.1:1001,CONTROLLER://127.0.0.1:1002,SECURE://127.0.0.1:1003");
        assertThat(broker.get("listener.security.protocol.map")).contains("SECURE:SASL_SSL");
        KeyStore keys = load(Path.of(broker.get("listener.name.secure.ssl.keystore.location")),
                broker.get("listener.name.secure.ssl.keystore.password"));
        assertThat(keys.getCertificate("broker")).isEqualTo(trusted);
        assertThat(keys.isKeyEntry("broker")).isTrue();
    }

    private static KeyStore load(Path file, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }
}
