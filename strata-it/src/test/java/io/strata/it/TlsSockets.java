package io.strata.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Raw sockets to a node's listeners, plain or TLS, for tests that speak to it below the Kafka clients: hostile
 * connections, hand-made SASL exchanges, the certificate a listener presents. Thread-safe: stateless.
 */
final class TlsSockets {

    private TlsSockets() {
    }

    /** A TLS context trusting the certificates of {@code trustStore} (a PKCS12 store with the test password). */
    static SSLContext trusting(Path trustStore) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            trust.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** A TCP connection to {@code host:port}, whose reads time out after 15 s. */
    static Socket connect(String address) throws IOException {
        Socket socket = new Socket();
        int colon = address.lastIndexOf(':');
        socket.connect(new InetSocketAddress(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1))), 5_000);
        socket.setSoTimeout(15_000);
        return socket;
    }

    /** A TLS connection to {@code host:port}, handshake done, trusting {@code trustStore}. */
    static SSLSocket tls(String address, Path trustStore) throws IOException, GeneralSecurityException {
        Socket plain = connect(address);
        int colon = address.lastIndexOf(':');
        SSLSocket socket = (SSLSocket) trusting(trustStore).getSocketFactory().createSocket(plain,
                address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)), true);
        socket.startHandshake();
        return socket;
    }

    /** True when the server closed the connection (end of stream or reset) before the socket's read timeout. */
    static boolean closedByServer(InputStream in) throws IOException {
        try {
            while (true) {
                if (in.read() == -1) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
