package io.strata.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key stores of every type Kafka takes (PKCS12, JKS, PEM from a file, inline and encrypted), client
 * authentication and the principal of a client certificate, with handshakes between engines in memory.
 */
class TlsContextTest {

    static final String PASSWORD = "store-secret";

    @TempDir
    static Path dir;

    private static Path serverP12;
    private static Path clientP12;
    private static Path serverJks;

    @BeforeAll
    static void keys() throws Exception {
        serverP12 = keytool("server.p12", "PKCS12", "CN=localhost,O=Strata");
        clientP12 = keytool("client.p12", "PKCS12", "CN=Alice,OU=Eng,O=Strata");
        serverJks = keytool("server.jks", "JKS", "CN=localhost,O=Strata");
    }

    @Test
    void pkcs12AndJksKeyStoresWithMutualAuthentication() throws Exception {
        for (Path keyStore : List.of(serverP12, serverJks)) {
            String type = keyStore.toString().endsWith(".jks") ? "JKS" : "PKCS12";
            TlsContext server = TlsContext.create(lookup(Map.of("ssl.keystore.location", keyStore.toString(),
                    "ssl.keystore.password", PASSWORD, "ssl.keystore.type", type, "ssl.truststore.location",
                    clientP12.toString(), "ssl.truststore.password", PASSWORD, "ssl.truststore.type", "PKCS12",
                    "ssl.client.auth", "required", "ssl.principal.mapping.rules", "RULE:^CN=([^,]+),.*$/$1/L")), true);
            TlsContext client = TlsContext.create(lookup(Map.of("ssl.keystore.location", clientP12.toString(),
                    "ssl.keystore.password", PASSWORD, "ssl.keystore.type", "PKCS12", "ssl.truststore.location",
                    keyStore.toString(), "ssl.truststore.password", PASSWORD, "ssl.truststore.type", type)), false);
            SSLEngine serverEngine = server.serverEngine("127.0.0.1", 5555);
            handshake(client.clientEngine("localhost", 9093), serverEngine);
            assertThat(server.principal(serverEngine.getSession())).isEqualTo(Principal.user("alice"));
        }
    }

    @Test
    void requiredClientAuthenticationRefusesAClientWithoutCertificate() throws Exception {
        TlsContext server = TlsContext.create(lookup(Map.of("ssl.keystore.location", serverP12.toString(),
                "ssl.keystore.password", PASSWORD, "ssl.keystore.type", "PKCS12", "ssl.client.auth", "required",
                "ssl.truststore.location", clientP12.toString(), "ssl.truststore.password", PASSWORD,
                "ssl.truststore.type", "PKCS12")), true);
        TlsContext client = TlsContext.create(lookup(Map.of("ssl.truststore.location", serverP12.toString(),
                "ssl.truststore.password", PASSWORD, "ssl.truststore.type", "PKCS12")), false);
        assertThatThrownBy(() -> handshake(client.clientEngine("localhost", 9093),
                server.serverEngine("127.0.0.1", 5555))).isInstanceOf(SSLException.class);
        TlsContext optional = TlsContext.create(lookup(Map.of("ssl.keystore.location", serverP12.toString(),
                "ssl.keystore.password", PASSWORD, "ssl.keystore.type", "PKCS12", "ssl.client.auth", "requested")),
                true);
        SSLEngine engine = optional.serverEngine("127.0.0.1", 5555);
        handshake(client.clientEngine("localhost", 9093), engine);
        assertThat(optional.principal(engine.getSession())).isEqualTo(Principal.ANONYMOUS);
    }

    @Test
    void theClientSideVerifiesTheHostNameUnlessTurnedOff() throws Exception {
        TlsContext server = TlsContext.create(lookup(Map.of("ssl.keystore.location", serverP12.toString(),
                "ssl.keystore.password", PASSWORD, "ssl.keystore.type", "PKCS12")), true);
        Map<String, String> trusting = new HashMap<>(Map.of("ssl.truststore.location", serverP12.toString(),
                "ssl.truststore.password", PASSWORD, "ssl.truststore.type", "PKCS12"));
        TlsContext verifying = TlsContext.create(lookup(trusting), false);
        assertThatThrownBy(() -> handshake(verifying.clientEngine("other.example", 9093),
                server.serverEngine("127.0.0.1", 5555))).isInstanceOf(SSLException.class);
        trusting.put("ssl.endpoint.identification.algorithm", "");
        handshake(TlsContext.create(lookup(trusting), false).clientEngine("other.example", 9093),
                server.serverEngine("127.0.0.1", 5555));
    }

    @Test
    void pemKeyStoresFromAFileInlineAndEncrypted() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverP12)) {
            store.load(in, PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) store.getKey("key", PASSWORD.toCharArray());
        String chain = pem("CERTIFICATE", store.getCertificateChain("key")[0].getEncoded());
        String plainKey = pem("PRIVATE KEY", key.getEncoded());
        Path pemFile = Files.writeString(dir.resolve("server.pem"), plainKey + chain);
        Map<String, String> trust = Map.of("ssl.truststore.type", "PEM", "ssl.truststore.certificates", chain);
        TlsContext client = TlsContext.create(lookup(trust), false);

        TlsContext fromFile = TlsContext.create(lookup(Map.of("ssl.keystore.type", "PEM", "ssl.keystore.location",
                pemFile.toString())), true);
        handshake(client.clientEngine("localhost", 9093), fromFile.serverEngine("127.0.0.1", 1));
        TlsContext inline = TlsContext.create(lookup(Map.of("ssl.keystore.type", "PEM",
                "ssl.keystore.certificate.chain", chain, "ssl.keystore.key", plainKey)), true);
        handshake(client.clientEngine("localhost", 9093), inline.serverEngine("127.0.0.1", 1));
        TlsContext encrypted = TlsContext.create(lookup(Map.of("ssl.keystore.type", "PEM",
                "ssl.keystore.certificate.chain", chain, "ssl.keystore.key", encrypted(key, "key-secret"),
                "ssl.key.password", "key-secret")), true);
        handshake(client.clientEngine("localhost", 9093), encrypted.serverEngine("127.0.0.1", 1));
        assertThatThrownBy(() -> TlsContext.create(lookup(Map.of("ssl.keystore.type", "PEM",
                "ssl.keystore.certificate.chain", chain, "ssl.keystore.key", encrypted(key, "key-secret"))), true))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ssl.key.password");
    }

    @Test
    void missingOrBadKeyStoresAreConfigErrors() {
        assertThatThrownBy(() -> TlsContext.create(lookup(Map.of()), true)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("key store");
        assertThatThrownBy(() -> TlsContext.create(lookup(Map.of("ssl.keystore.location", serverP12.toString(),
                "ssl.keystore.password", "wrong", "ssl.keystore.type", "PKCS12")), true))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> TlsContext.create(lookup(Map.of("ssl.keystore.location", serverP12.toString(),
                "ssl.keystore.password", PASSWORD, "ssl.keystore.type", "PKCS12", "ssl.client.auth", "maybe")), true))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ssl.client.auth");
    }

    /** Runs a handshake between two engines through in-memory buffers; throws what either side throws. */
    static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
        ByteBuffer toServer = ByteBuffer.allocate(1 << 16);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 16);
        ByteBuffer app = ByteBuffer.allocate(1 << 16);
        client.beginHandshake();
        server.beginHandshake();
        for (int i = 0; i < 200; i++) {
            boolean clientDone = step(client, toClient, toServer, app);
            boolean serverDone = step(server, toServer, toClient, app);
            if (clientDone && serverDone) {
                return;
            }
        }
        throw new SSLException("Handshake did not finish");
    }

    private static boolean step(SSLEngine engine, ByteBuffer in, ByteBuffer out, ByteBuffer app)
            throws SSLException {
        HandshakeStatus status = engine.getHandshakeStatus();
        switch (status) {
            case NEED_WRAP -> engine.wrap(ByteBuffer.allocate(0), out);
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                in.flip();
                SSLEngineResult result = engine.unwrap(in, app);
                in.compact();
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    throw new SSLException("closed during the handshake");
                }
            }
            case NEED_TASK -> {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
            }
            default -> {
                return true;
            }
        }
        return false;
    }

    private static String encrypted(PrivateKey key, String password) throws Exception {
        String algorithm = "PBEWithHmacSHA256AndAES_256";
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        new SecureRandom().nextBytes(salt);
        new SecureRandom().nextBytes(iv);
        Cipher cipher = Cipher.getInstance(algorithm);
        cipher.init(Cipher.ENCRYPT_MODE, SecretKeyFactory.getInstance(algorithm).generateSecret(
                new PBEKeySpec(password.toCharArray())), new PBEParameterSpec(salt, 10_000, new IvParameterSpec(iv)));
        // As openssl writes them: PBES2 parameters (PBKDF2 with HMAC-SHA256, AES-256).
        AlgorithmParameters pbes2 = AlgorithmParameters.getInstance("PBES2");
        pbes2.init(cipher.getParameters().getEncoded());
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(pbes2, cipher.doFinal(key.getEncoded()));
        return pem("ENCRYPTED PRIVATE KEY", info.getEncoded());
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    private static java.util.function.Function<String, Optional<String>> lookup(Map<String, String> values) {
        return key -> Optional.ofNullable(values.get(key));
    }

    private static Path keytool(String file, String type, String dname) throws IOException, InterruptedException {
        return keytool(dir, file, type, dname);
    }

    /**
     * A self-signed key pair for localhost and 127.0.0.1 in {@code dir}, alias {@code key}, store and key password
     * {@link #PASSWORD}, made by the JDK's keytool.
     */
    static Path keytool(Path dir, String file, String type, String dname) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), "-genkeypair", "-keystore", dir.resolve(file).toString(), "-storetype", type,
                "-storepass", PASSWORD, "-keypass", PASSWORD, "-alias", "key", "-dname", dname, "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "30", "-ext", "SAN=ip:127.0.0.1,dns:localhost"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        return dir.resolve(file);
    }
}
