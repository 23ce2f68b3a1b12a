package io.lava.jdbc.internal.pg;

import io.lava.jdbc.internal.record.ResolvedConnection;
import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.internal.record.LavaType;
import io.lava.jdbc.testing.TestPki;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TlsDiagnosis}'s classification by exception type, on exception chains shaped as pgjdbc and the JDK build them
 * ({@code PSQLException} "SSL error" over {@code SSLHandshakeException} over a {@code CertPathValidatorException} with
 * the server's path), with a real certificate from {@link TestPki}. The server address is unreachable (port 1), so no
 * probe handshake can add anything: what the message says comes from the chain alone.
 */
class TlsDiagnosisTest {
    private static X509Certificate server;

    @BeforeAll
    static void pki(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.create(dir);
        try (InputStream in = Files.newInputStream(pki.serverCertificate())) {
            server = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static ResolvedConnection resolved() {
        return new ResolvedConnection("prod", "c", LavaType.POSTGRES, "127.0.0.1", 1, "d", "u", "pw",
                ResolvedConnection.PasswordSource.SSM_PARAMETER, null, null);
    }

    private static SQLException untrusted() throws Exception {
        CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(server));
        CertPathValidatorException validator = new CertPathValidatorException("no trust anchor", null, path, 0);
        SSLHandshakeException handshake = new SSLHandshakeException("handshake");
        handshake.initCause(new CertificateException(validator));
        return new SQLException("SSL error", "08006", handshake);
    }

    private static Properties sent(String... pairs) {
        Properties p = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            p.setProperty(pairs[i], pairs[i + 1]);
        }
        p.setProperty("password", "pw-never-shown");
        return p;
    }

    @Test
    void untrustedChainAgainstTheJvmTrustStoreNamesTheCertificateAndWhatToSet() throws Exception {
        String hint = TlsDiagnosis.hint(untrusted(), sent("sslmode", "verify-full", "sslfactory",
                org.postgresql.ssl.DefaultJavaSSLFactory.class.getName()), resolved());
        assertThat(hint).contains("sslmode verify-full", "the JVM's trust store", "ssl_ca_file", "sslrootcert",
                        "subject O=lava-pg-jdbc tests,CN=localhost", "issuer O=lava-pg-jdbc tests,CN=lava test CA",
                        "names [127.0.0.1, localhost]", "javax.net.ssl.trustStore")
                .doesNotContain("pw-never-shown");
    }

    @Test
    void untrustedChainAgainstACaFileNamesTheFile() throws Exception {
        String hint = TlsDiagnosis.hint(untrusted(), sent("sslmode", "verify-ca", "sslrootcert", "/etc/ca.pem"),
                resolved());
        assertThat(hint).contains("the CA file /etc/ca.pem", "ssl_ca_file", "sslrootcert", "CN=localhost")
                .doesNotContain("JVM's trust store");
    }

    @Test
    void aUserSslFactoryIsNamedAsTheTrust() throws Exception {
        String hint = TlsDiagnosis.hint(untrusted(), sent("sslmode", "verify-full", "sslfactory", "com.example.F"),
                resolved());
        assertThat(hint).contains("sslfactory com.example.F").doesNotContain("JVM's trust store");
    }

    @Test
    void unreadableOrUnloadableCaFile() {
        SQLException missing = new SQLException("x", "08006", new FileNotFoundException("/nope.pem"));
        assertThat(TlsDiagnosis.hint(missing, sent("sslmode", "verify-full", "sslrootcert", "/nope.pem"), resolved()))
                .contains("/nope.pem", "cannot be read");
        SQLException garbage = new SQLException("x", "08006", new CertificateException("not PEM"));
        assertThat(TlsDiagnosis.hint(garbage, sent("sslmode", "verify-full", "sslrootcert", "/bad.pem"), resolved()))
                .contains("/bad.pem", "PEM X.509");
    }

    @Test
    void otherFailuresAreNotTls() {
        assertThat(TlsDiagnosis.hint(new SQLException("refused", "28P01"), sent("sslmode", "verify-full"),
                resolved())).isNull();
        assertThat(TlsDiagnosis.hint(new SQLException("io", "08001", new java.net.ConnectException()),
                sent("sslmode", "require"), resolved())).isNull();
    }
}
