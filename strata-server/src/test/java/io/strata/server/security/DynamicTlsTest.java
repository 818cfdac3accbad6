package io.strata.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.server.config.ServerConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamicTlsTest {

    private static final String LOCATION = "listener.name.ssl.ssl.keystore.location";

    @TempDir
    static Path dir;

    private static Path first;
    private static Path second;

    @BeforeAll
    static void keys() throws Exception {
        first = TlsContextTest.keytool(dir, "first.p12", "PKCS12", "CN=first");
        second = TlsContextTest.keytool(dir, "second.p12", "PKCS12", "CN=second");
        KeyStore both = KeyStore.getInstance("PKCS12");
        both.load(null, null);
        for (Path store : List.of(first, second)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, TlsContextTest.PASSWORD.toCharArray());
            }
            both.setCertificateEntry(store.getFileName().toString(), ks.getCertificate("key"));
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve("both.p12"))) {
            both.store(out, TlsContextTest.PASSWORD.toCharArray());
        }
    }

    @Test
    void knowsTheDynamicKeysAndWhichAreSecrets() {
        assertThat(DynamicTls.isDynamicKey(LOCATION)).isTrue();
        assertThat(DynamicTls.isDynamicKey("ssl.truststore.password")).isTrue();
        assertThat(DynamicTls.isDynamicKey("listener.name.ssl.ssl.client.auth")).isFalse();
        assertThat(DynamicTls.isDynamicKey("log.retention.ms")).isFalse();
        assertThat(DynamicTls.isSecret("listener.name.ssl.ssl.keystore.password")).isTrue();
        assertThat(DynamicTls.isSecret("ssl.keystore.key")).isTrue();
        assertThat(DynamicTls.isSecret(LOCATION)).isFalse();
        assertThat(DynamicTls.isSecret("ssl.truststore.type")).isFalse();
    }

    @Test
    void loadsAndChecksStoresBeforeInstallingThem() throws Exception {
        DynamicTls tls = new DynamicTls(config(first), 1, Map.of("SSL", context(first)));

        TlsContext context = context(first);
        DynamicTls checked = new DynamicTls(config(first), 1, Map.of("SSL", context));
        DynamicTls.Loaded loaded = checked.load(Map.of(LOCATION, second.toString(), "retention.ms", "5"));
        assertThat(loaded.contexts()).containsOnlyKeys("SSL");
        assertThat(presented(context)).as("loading alone changes nothing").isEqualTo("CN=first");
        checked.install(loaded);
        assertThat(presented(context)).isEqualTo("CN=second");
        assertThatThrownBy(() -> tls.load(Map.of(LOCATION, dir.resolve("missing.p12").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("listener SSL");
        assertThatThrownBy(() -> tls.load(Map.of("listener.name.ssl.ssl.keystore.password", "wrong")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> tls.load(Map.of("listener.name.other.ssl.keystore.location",
                second.toString()))).isInstanceOf(ConfigException.class).hasMessageContaining("OTHER");
    }

    @Test
    void newConnectionsGetTheNewStoreAndAFailedLoadKeepsTheOld() throws Exception {
        Path live = Files.copy(first, dir.resolve("live.p12"), StandardCopyOption.REPLACE_EXISTING);
        TlsContext context = context(first);
        DynamicTls tls = new DynamicTls(config(first), 1, Map.of("SSL", context));
        SSLEngine before = context.serverEngine("127.0.0.1", 1);

        tls.apply(Map.of(LOCATION, live.toString()));
        assertThat(presented(context)).isEqualTo("CN=first");
        assertThatThrownBy(() -> tls.apply(Map.of(LOCATION, dir.resolve("missing.p12").toString())))
                .isInstanceOf(ConfigException.class);
        assertThat(presented(context)).isEqualTo("CN=first");

        tls.apply(Map.of(LOCATION, live.toString()));
        assertThat(presented(context)).isEqualTo("CN=first");

        // Renewed in place: unchanged configs reload only when installed again (the operator set the key again).
        Files.copy(second, live, StandardCopyOption.REPLACE_EXISTING);
        tls.apply(Map.of(LOCATION, live.toString()));
        assertThat(presented(context)).isEqualTo("CN=first");
        tls.install(tls.load(Map.of(LOCATION, live.toString())));
        assertThat(presented(context)).isEqualTo("CN=second");
        // An engine made before the reload keeps the store it was made with.
        assertThat(presented(context, before)).isEqualTo("CN=first");
    }

    private static String presented(TlsContext server) throws Exception {
        return presented(server, server.serverEngine("127.0.0.1", 1));
    }

    private static String presented(TlsContext server, SSLEngine serverEngine) throws Exception {
        // Both certificates are self-signed: a client trusting both sees which one it got.
        TlsContext client = TlsContext.create(key -> Optional.ofNullable(Map.of(
                "ssl.truststore.location", dir.resolve("both.p12").toString(),
                "ssl.truststore.password", TlsContextTest.PASSWORD,
                "ssl.truststore.type", "PKCS12").get(key)), false);
        SSLEngine clientEngine = client.clientEngine("127.0.0.1", 1);
        TlsContextTest.handshake(clientEngine, serverEngine);
        return ((X509Certificate) clientEngine.getSession().getPeerCertificates()[0]).getSubjectX500Principal()
                .getName();
    }

    private static TlsContext context(Path keyStore) {
        return TlsContext.create(key -> Optional.ofNullable(storeKeys(keyStore).get(key)), true);
    }

    private static ServerConfig config(Path keyStore) {
        return ServerConfig.from(storeKeys(keyStore));
    }

    private static Map<String, String> storeKeys(Path keyStore) {
        return Map.of("ssl.keystore.location", keyStore.toString(), "ssl.keystore.password", TlsContextTest.PASSWORD,
                "ssl.keystore.type", "PKCS12");
    }
}
