package io.strata.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test certificate authority and keys signed by it, made with the JDK's {@code keytool} run as a process (what a
 * user does by hand, see docs/security.md): PKCS12 stores, all with the password {@link #PASSWORD}.
 */
final class TestCertificates {

    static final String PASSWORD = "test-secret";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Creates the CA ({@code ca.p12}, {@code ca.pem}) and a trust store of it ({@code truststore.p12}). */
    static TestCertificates create(Path dir) throws IOException, InterruptedException {
        TestCertificates certs = new TestCertificates(dir);
        certs.keytool("-genkeypair", "-keystore", "ca.p12", "-alias", "ca", "-dname", "CN=Strata Test CA",
                "-ext", "bc:c", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30");
        certs.keytool("-exportcert", "-keystore", "ca.p12", "-alias", "ca", "-rfc", "-file", "ca.pem");
        certs.keytool("-importcert", "-keystore", "truststore.p12", "-alias", "ca", "-file", "ca.pem", "-noprompt");
        return certs;
    }

    /** The CA and stores {@link #create} and the others made in {@code dir} before (by this JVM or another). */
    static TestCertificates existing(Path dir) {
        return new TestCertificates(dir);
    }

    /** A key store {@code <name>.p12} whose key is certified by the CA, for 127.0.0.1 and localhost. */
    Path signed(String name, String dname) throws IOException, InterruptedException {
        String store = name + ".p12";
        keytool("-genkeypair", "-keystore", store, "-alias", name, "-dname", dname, "-keyalg", "EC", "-groupname",
                "secp256r1", "-validity", "30");
        keytool("-certreq", "-keystore", store, "-alias", name, "-file", name + ".csr");
        keytool("-gencert", "-keystore", "ca.p12", "-alias", "ca", "-infile", name + ".csr", "-outfile",
                name + ".crt", "-rfc", "-validity", "30", "-ext", "SAN=ip:127.0.0.1,dns:localhost");
        // The reply with its whole chain (certificate, then the CA's) installs without importing the CA first.
        Files.writeString(dir.resolve(name + "-chain.pem"), Files.readString(dir.resolve(name + ".crt"))
                + Files.readString(dir.resolve("ca.pem")));
        keytool("-importcert", "-keystore", store, "-alias", name, "-file", name + "-chain.pem", "-noprompt");
        return dir.resolve(store);
    }

    /** A key store {@code <name>.p12} with a self-signed certificate the CA never saw. */
    Path selfSigned(String name, String dname) throws IOException, InterruptedException {
        keytool("-genkeypair", "-keystore", name + ".p12", "-alias", name, "-dname", dname, "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "30");
        return dir.resolve(name + ".p12");
    }

    /** The key store {@code <name>.p12} that {@link #signed} or {@link #selfSigned} made. */
    Path store(String name) {
        return dir.resolve(name + ".p12");
    }

    /** The CA's certificate in PEM, for clients that take one (librdkafka's {@code ssl.ca.location}). */
    Path caPem() {
        return dir.resolve("ca.pem");
    }

    Path trustStore() {
        return dir.resolve("truststore.p12");
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
