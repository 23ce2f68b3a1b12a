package io.lava.jdbc.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A throwaway HTTPS server on {@code 127.0.0.1} (the JDK's {@code com.sun.net.httpserver}) with a {@link TestPki}
 * directory's server certificate, serving fixed bodies by path; any other path answers 404. For fetching CA bundles
 * named by {@code https://} URIs. This class does not depend on JUnit.
 */
public final class LocalHttps implements AutoCloseable {
    private final HttpsServer server;
    private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();

    private LocalHttps(HttpsServer server) {
        this.server = server;
    }

    /**
     * @param pki a directory holding {@link TestPki#SERVER_CERT} and {@link TestPki#SERVER_KEY} (PKCS#8 EC)
     * @return a started server
     */
    public static LocalHttps start(Path pki) {
        try {
            Certificate cert;
            try (InputStream in = Files.newInputStream(pki.resolve(TestPki.SERVER_CERT))) {
                cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            String pem = Files.readString(pki.resolve(TestPki.SERVER_KEY), StandardCharsets.US_ASCII)
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = "local-https".toCharArray();
            store.setKeyEntry("server", key, password, new Certificate[] {cert});
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(context));
            LocalHttps https = new LocalHttps(server);
            server.createContext("/", exchange -> {
                byte[] body = https.bodies.get(exchange.getRequestURI().getPath());
                exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
                if (body != null) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
                exchange.close();
            });
            server.start();
            return https;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up the local HTTPS server: " + e.getMessage(), e);
        }
    }

    /** Serves {@code body} at {@code path} (e.g. {@code /ca.pem}). */
    public void serve(String path, byte[] body) {
        bodies.put(path, body.clone());
    }

    /** @return {@code https://127.0.0.1:<port>} */
    public String baseUrl() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
