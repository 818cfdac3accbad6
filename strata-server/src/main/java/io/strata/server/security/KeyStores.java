package io.strata.server.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.apache.kafka.common.config.ConfigException;

/**
 * Loads key stores and trust stores as Kafka's {@code ssl.keystore.*} / {@code ssl.truststore.*} describe them:
 * PKCS12 and JKS files, and PEM ({@code ssl.keystore.type=PEM}) either from a file or inline
 * ({@code ssl.keystore.certificate.chain} with {@code ssl.keystore.key}, {@code ssl.truststore.certificates}). PEM
 * keys are PKCS#8, encrypted ones with {@code ssl.key.password}, as in Kafka.
 *
 * <p>Stateless and thread-safe.
 */
final class KeyStores {

    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final char[] PEM_STORE_PASSWORD = new char[0];

    private KeyStores() {
    }

    /** A loaded key store and the password of its key. */
    record Loaded(KeyStore store, char[] keyPassword) {
    }

    /**
     * The key store, if configured.
     *
     * @param config a listener's SSL settings by unprefixed name
     */
    static Optional<Loaded> keyStore(Function<String, Optional<String>> config) {
        String type = config.apply("ssl.keystore.type").orElse("JKS").toUpperCase(Locale.ROOT);
        Optional<String> location = config.apply("ssl.keystore.location");
        Optional<String> password = config.apply("ssl.keystore.password");
        Optional<String> keyPassword = config.apply("ssl.key.password");
        try {
            if (type.equals("PEM")) {
                Optional<String> chain = config.apply("ssl.keystore.certificate.chain");
                Optional<String> key = config.apply("ssl.keystore.key");
                if (location.isEmpty() && chain.isEmpty()) {
                    return Optional.empty();
                }
                String pem = location.isPresent() ? Files.readString(Path.of(location.get()))
                        : chain.get() + "\n" + key.orElseThrow(() -> new ConfigException("ssl.keystore.key",
                        null, "required with ssl.keystore.certificate.chain"));
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                List<Certificate> certs = certificates(pem);
                if (certs.isEmpty()) {
                    throw new ConfigException("ssl.keystore", "PEM", "no certificate found");
                }
                store.setKeyEntry("kafka", privateKey(pem, keyPassword), PEM_STORE_PASSWORD,
                        certs.toArray(Certificate[]::new));
                return Optional.of(new Loaded(store, PEM_STORE_PASSWORD));
            }
            if (location.isEmpty()) {
                return Optional.empty();
            }
            KeyStore store = load(type, Path.of(location.get()), password);
            char[] pw = keyPassword.or(() -> password).map(String::toCharArray).orElse(new char[0]);
            return Optional.of(new Loaded(store, pw));
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("Failed to load SSL keystore " + location.orElse("(inline PEM)") + " of type "
                    + type + ": " + e.getMessage());
        }
    }

    /** The trust store, if configured (else the JDK's default trust is used). */
    static Optional<KeyStore> trustStore(Function<String, Optional<String>> config) {
        String type = config.apply("ssl.truststore.type").orElse("JKS").toUpperCase(Locale.ROOT);
        Optional<String> location = config.apply("ssl.truststore.location");
        try {
            if (type.equals("PEM")) {
                Optional<String> inline = config.apply("ssl.truststore.certificates");
                if (location.isEmpty() && inline.isEmpty()) {
                    return Optional.empty();
                }
                String pem = location.isPresent() ? Files.readString(Path.of(location.get())) : inline.get();
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                List<Certificate> certs = certificates(pem);
                for (int i = 0; i < certs.size(); i++) {
                    store.setCertificateEntry("kafka" + i, certs.get(i));
                }
                return Optional.of(store);
            }
            if (location.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(load(type, Path.of(location.get()), config.apply("ssl.truststore.password")));
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("Failed to load SSL truststore " + location.orElse("(inline PEM)")
                    + " of type " + type + ": " + e.getMessage());
        }
    }

    private static KeyStore load(String type, Path path, Optional<String> password)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password.map(String::toCharArray).orElse(null));
        }
        return store;
    }

    static List<Certificate> certificates(String pem) throws GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<Certificate> certs = new ArrayList<>();
        for (byte[] der : blocks(pem, "CERTIFICATE")) {
            certs.add(factory.generateCertificate(new ByteArrayInputStream(der)));
        }
        return certs;
    }

    static PrivateKey privateKey(String pem, Optional<String> password)
            throws IOException, GeneralSecurityException {
        List<byte[]> plain = blocks(pem, "PRIVATE KEY");
        List<byte[]> encrypted = blocks(pem, "ENCRYPTED PRIVATE KEY");
        PKCS8EncodedKeySpec spec;
        if (!encrypted.isEmpty()) {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(encrypted.get(0));
            char[] pw = password.orElseThrow(() -> new ConfigException("ssl.key.password", null,
                    "required for an encrypted PEM key")).toCharArray();
            // The JDK's recipe for PKCS#8 PBES2 keys: the cipher named by the key's own algorithm parameters.
            SecretKeyFactory factory = SecretKeyFactory.getInstance(info.getAlgName());
            Cipher cipher = Cipher.getInstance(info.getAlgName());
            cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(pw)), info.getAlgParameters());
            spec = info.getKeySpec(cipher);
        } else if (!plain.isEmpty()) {
            spec = new PKCS8EncodedKeySpec(plain.get(0));
        } else {
            throw new ConfigException("ssl.keystore.key", null, "no PKCS#8 private key found in the PEM");
        }
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "DSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    private static List<byte[]> blocks(String pem, String label) {
        List<byte[]> result = new ArrayList<>();
        Matcher m = PEM_BLOCK.matcher(pem);
        while (m.find()) {
            if (m.group(1).equals(label)) {
                result.add(Base64.getMimeDecoder().decode(m.group(2).getBytes(StandardCharsets.US_ASCII)));
            }
        }
        return result;
    }
}
