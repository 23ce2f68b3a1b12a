package io.lava.jdbc.internal.pg;

import io.lava.jdbc.internal.record.ResolvedConnection;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Explains a failed TLS verification: which trust anchors were used ({@code ssl_ca_file} / {@code sslrootcert}, or the
 * JVM's trust store) and what the server's certificate was (subject, issuer and the names it lists).
 *
 * <p>Classification is by exception type only, never by message text:
 * <ul>
 *   <li>an {@link SSLException} whose cause chain holds a {@link CertPathBuilderException},
 *       {@link CertPathValidatorException} or {@link CertificateException}: the chain is not trusted;</li>
 *   <li>a {@link FileNotFoundException} / {@link NoSuchFileException} in the chain with an {@code sslrootcert}: the CA
 *       file cannot be read; a {@link GeneralSecurityException} with no {@link SSLException}: it cannot be loaded;</li>
 *   <li>{@code verify-full}, no cause, and a certificate that does not name the host: host name mismatch (pgjdbc's
 *       {@code MakeSSL.verifyPeerName} throws without a cause).</li>
 * </ul>
 * The server's certificate is read from a {@link CertPathValidatorException}'s path when it has one; otherwise by one
 * extra TLS handshake that only reads the certificate (PostgreSQL's {@code SSLRequest}, then a handshake that trusts
 * everything and sends nothing else; no user, password or token goes over it), bounded by pgjdbc's
 * {@code connectTimeout} (10 s when unset). Certificates are public; no secret appears in the text.
 */
final class TlsDiagnosis {
    /** PostgreSQL's SSLRequest code (protocol 1234.5679). */
    private static final int SSL_REQUEST = 80877103;
    private static final int DEFAULT_PROBE_TIMEOUT_MS = 10_000;

    private TlsDiagnosis() {
    }

    /**
     * @param e pgjdbc's failure
     * @param sent the properties pgjdbc received ({@code sslmode}, {@code sslrootcert}, {@code sslfactory})
     * @param resolved the resolved connection (host and port)
     * @return a sentence saying what failed and what to do, or {@code null} when {@code e} is no TLS verification
     *     failure
     */
    static String hint(SQLException e, Properties sent, ResolvedConnection resolved) {
        String mode = sent.getProperty("sslmode", "prefer");
        String rootCert = sent.getProperty("sslrootcert");
        String factory = sent.getProperty("sslfactory");
        boolean jvmStore = factory != null && factory.equals(org.postgresql.ssl.DefaultJavaSSLFactory.class.getName());
        String anchors = factory != null && !jvmStore ? "the trust of sslfactory " + factory
                : rootCert != null ? "the CA file " + rootCert + " (the record's ssl_ca_file or the URL's "
                + "sslrootcert)" : jvmStore ? "the JVM's trust store (" + trustStoreName() + ")"
                : "the CA file ~/.postgresql/root.crt (pgjdbc's default sslrootcert)";
        boolean ssl = has(e, SSLException.class);
        boolean certFailure = ssl && (has(e, CertPathBuilderException.class) || has(e, CertPathValidatorException.class)
                || has(e, CertificateException.class));
        if (certFailure) {
            String cert = describe(fromPath(e), resolved, sent);
            return "TLS verification (sslmode " + mode + ") failed: the server's certificate" + cert + " is not "
                    + "signed by a CA in " + anchors + ". Set the record's ssl_ca_file (or the URL's sslrootcert) to "
                    + "the CA bundle that signed the server's certificate"
                    + (jvmStore ? ", or add that CA to the JVM's trust store (javax.net.ssl.trustStore)" : "");
        }
        if (rootCert != null && (has(e, FileNotFoundException.class) || has(e, NoSuchFileException.class))) {
            return "The CA file " + rootCert + " (the record's ssl_ca_file or the URL's sslrootcert) cannot be read; "
                    + "check the path and its permissions";
        }
        if (rootCert != null && !ssl && has(e, GeneralSecurityException.class)) {
            return "The CA file " + rootCert + " (the record's ssl_ca_file or the URL's sslrootcert) does not hold "
                    + "usable PEM X.509 certificates; check its content";
        }
        if ("verify-full".equals(mode) && e.getCause() == null && "08006".equals(e.getSQLState())) {
            X509Certificate server = probe(resolved, sent);
            if (server != null && !names(server, resolved.host())) {
                return "TLS verification (sslmode verify-full) failed: the server's certificate"
                        + describe(server, resolved, sent) + " does not name the host " + resolved.host()
                        + ". Connect by a name the certificate lists, or use ssl_mode verify-ca (chain only)";
            }
        }
        return null;
    }

    private static String trustStoreName() {
        String store = System.getProperty("javax.net.ssl.trustStore");
        return store != null && !store.isBlank() ? "javax.net.ssl.trustStore=" + store
                : "the JDK's cacerts; javax.net.ssl.trustStore is not set";
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static X509Certificate fromPath(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof CertPathValidatorException v && v.getCertPath() != null
                    && !v.getCertPath().getCertificates().isEmpty()
                    && v.getCertPath().getCertificates().get(0) instanceof X509Certificate x) {
                return x;
            }
        }
        return null;
    }

    private static String describe(X509Certificate known, ResolvedConnection resolved, Properties sent) {
        X509Certificate cert = known != null ? known : probe(resolved, sent);
        if (cert == null) {
            return "";
        }
        List<String> names = names(cert);
        return " (subject " + cert.getSubjectX500Principal().getName() + ", issuer "
                + cert.getIssuerX500Principal().getName() + (names.isEmpty() ? "" : ", names " + names) + ")";
    }

    private static List<String> names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alt = cert.getSubjectAlternativeNames();
            if (alt != null) {
                for (List<?> entry : alt) {
                    Object type = entry.get(0);
                    if (type instanceof Integer i && (i == 2 || i == 7)) { // dNSName, iPAddress (RFC 5280)
                        names.add(String.valueOf(entry.get(1)));
                    }
                }
            }
        } catch (CertificateException ignored) {
            // unparsable extension: no names listed
        }
        return names;
    }

    /** Whether a DNS or IP subject alternative name matches {@code host} (RFC 6125: a left-most {@code *} label). */
    private static boolean names(X509Certificate cert, String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        for (String name : names(cert)) {
            if (name.equalsIgnoreCase(h) || sameAddress(name, h)) {
                return true;
            }
            if (name.startsWith("*.") && h.indexOf('.') > 0
                    && h.substring(h.indexOf('.')).toLowerCase(Locale.ROOT).equals(name.substring(1)
                            .toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameAddress(String a, String b) {
        if (!isLiteral(a) || !isLiteral(b)) {
            return false;
        }
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isLiteral(String s) {
        return s.indexOf(':') >= 0 || s.chars().allMatch(ch -> ch == '.' || Character.isDigit(ch));
    }

    /** Reads the server's leaf certificate over a handshake that sends nothing else; {@code null} on any failure. */
    private static X509Certificate probe(ResolvedConnection resolved, Properties sent) {
        int timeoutMs = DEFAULT_PROBE_TIMEOUT_MS;
        try {
            int seconds = Integer.parseInt(sent.getProperty("connectTimeout", "10"));
            if (seconds > 0) {
                timeoutMs = seconds * 1000;
            }
        } catch (NumberFormatException ignored) {
            // pgjdbc's default
        }
        X509Certificate[][] seen = new X509Certificate[1][];
        TrustManager recorder = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException("client side only");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen[0] = chain;
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(resolved.host(), resolved.port()), timeoutMs);
            plain.setSoTimeout(timeoutMs);
            DataOutputStream out = new DataOutputStream(plain.getOutputStream());
            out.writeInt(8);
            out.writeInt(SSL_REQUEST);
            out.flush();
            if (new DataInputStream(plain.getInputStream()).read() != 'S') {
                return null;
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {recorder}, null);
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, resolved.host(),
                    resolved.port(), false)) {
                tls.setUseClientMode(true);
                tls.startHandshake();
                Certificate[] peer = tls.getSession().getPeerCertificates();
                if (peer.length > 0 && peer[0] instanceof X509Certificate x) {
                    return x;
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException ignored) {
            // the diagnosis is best effort: the connect's own failure is reported either way
        }
        return seen[0] != null && seen[0].length > 0 ? seen[0][0] : null;
    }
}
