package io.lava.jdbc.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * A throwaway public key infrastructure for TLS tests, generated with BouncyCastle (EC P-256,
 * SHA256withECDSA) each time {@link #create(Path)} is called:
 *
 * <ul>
 *   <li>a test CA ({@code CN=lava test CA}, self-signed, {@code basicConstraints CA:true});
 *   <li>a server certificate ({@code CN=localhost}) signed by that CA, with SubjectAltName
 *       {@code IP:127.0.0.1} and {@code DNS:localhost}, for TLS server authentication, valid from
 *       yesterday for 30 days;
 *   <li>an unrelated CA ({@code CN=lava other CA}) that signed nothing the server uses, so that a
 *       client trusting only it must reject the server.
 * </ul>
 *
 * <p>Files written to the directory, all PEM: {@value #CA_CERT}, {@value #SERVER_CERT},
 * {@value #SERVER_KEY} (unencrypted PKCS#8, {@code BEGIN PRIVATE KEY}, mode 0600 where POSIX
 * permissions exist) and {@value #OTHER_CA_CERT}. The CA private keys are never written. The
 * server key file here is for reference only: PostgreSQL wants its own copy, owned by the server's
 * OS user, which {@link LocalPostgres.Builder#file(String, byte[])} makes from
 * {@link #serverKeyPem()}. This class does not depend on JUnit.
 */
public final class TestPki {

    /** File name of the test CA certificate. */
    public static final String CA_CERT = "ca.crt";
    /** File name of the server certificate. */
    public static final String SERVER_CERT = "server.crt";
    /** File name of the server's private key. */
    public static final String SERVER_KEY = "server.key";
    /** File name of the unrelated CA certificate. */
    public static final String OTHER_CA_CERT = "other-ca.crt";

    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final Duration VALIDITY = Duration.ofDays(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final byte[] serverCertificatePem;
    private final byte[] serverKeyPem;

    private TestPki(Path directory, byte[] serverCertificatePem, byte[] serverKeyPem) {
        this.directory = directory;
        this.serverCertificatePem = serverCertificatePem;
        this.serverKeyPem = serverKeyPem;
    }

    /**
     * Generates the CAs, the server key and certificate, and writes them to {@code dir}.
     *
     * @param dir directory for the PEM files; created if missing, existing files of the same names
     *     are replaced
     * @return the new PKI
     * @throws UncheckedIOException if the files cannot be written
     * @throws IllegalStateException if the JDK cannot generate EC keys or sign certificates
     */
    public static TestPki create(Path dir) {
        Objects.requireNonNull(dir, "dir");
        try {
            Instant notBefore = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
            Instant notAfter = notBefore.plus(VALIDITY);

            KeyPair caKey = newKeyPair();
            X500Name caName = new X500Name("CN=lava test CA,O=lava-pg-jdbc tests");
            X509CertificateHolder ca = caCertificate(caName, caKey, notBefore, notAfter);

            KeyPair serverKey = newKeyPair();
            X509CertificateHolder server = serverCertificate(ca, caKey, serverKey, notBefore, notAfter);

            KeyPair otherCaKey = newKeyPair();
            X509CertificateHolder otherCa = caCertificate(
                    new X500Name("CN=lava other CA,O=lava-pg-jdbc tests"), otherCaKey, notBefore, notAfter);

            byte[] serverCertPem = pem("CERTIFICATE", server.getEncoded());
            byte[] serverKeyPem = pem("PRIVATE KEY", serverKey.getPrivate().getEncoded()); // PKCS#8
            Files.createDirectories(dir);
            write(dir.resolve(CA_CERT), pem("CERTIFICATE", ca.getEncoded()), false);
            write(dir.resolve(SERVER_CERT), serverCertPem, false);
            write(dir.resolve(SERVER_KEY), serverKeyPem, true);
            write(dir.resolve(OTHER_CA_CERT), pem("CERTIFICATE", otherCa.getEncoded()), false);
            return new TestPki(dir, serverCertPem, serverKeyPem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the test PKI to " + dir + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate the test PKI: " + e.getMessage(), e);
        }
    }

    /**
     * The directory holding the PEM files.
     *
     * @return the directory given to {@link #create(Path)}
     */
    public Path directory() {
        return directory;
    }

    /**
     * The test CA certificate, e.g. for pgjdbc's {@code sslrootcert} with {@code sslmode=verify-full}.
     *
     * @return path of {@value #CA_CERT}
     */
    public Path caCertificate() {
        return directory.resolve(CA_CERT);
    }

    /**
     * The certificate of a CA that did not sign the server certificate: a client trusting only it
     * must refuse the server.
     *
     * @return path of {@value #OTHER_CA_CERT}
     */
    public Path otherCaCertificate() {
        return directory.resolve(OTHER_CA_CERT);
    }

    /**
     * The server certificate file.
     *
     * @return path of {@value #SERVER_CERT}
     */
    public Path serverCertificate() {
        return directory.resolve(SERVER_CERT);
    }

    /**
     * The server private key file (unencrypted PKCS#8 PEM).
     *
     * @return path of {@value #SERVER_KEY}
     */
    public Path serverKey() {
        return directory.resolve(SERVER_KEY);
    }

    /**
     * The server certificate, PEM ({@code BEGIN CERTIFICATE}).
     *
     * @return a copy of the PEM bytes (US-ASCII)
     */
    public byte[] serverCertificatePem() {
        return serverCertificatePem.clone();
    }

    /**
     * The server private key, unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}).
     *
     * @return a copy of the PEM bytes (US-ASCII)
     */
    public byte[] serverKeyPem() {
        return serverKeyPem.clone();
    }

    @Override
    public String toString() {
        return "TestPki[" + directory + "]";
    }

    // ---- generation -----------------------------------------------------------------------------

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static X509CertificateHolder caCertificate(X500Name name, KeyPair key, Instant notBefore,
            Instant notAfter) throws GeneralSecurityException, CertIOException, OperatorCreationException {
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                Date.from(notBefore), Date.from(notAfter), name, key.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false,
                        extensions.createSubjectKeyIdentifier(key.getPublic()));
        return builder.build(signer(key));
    }

    private static X509CertificateHolder serverCertificate(X509CertificateHolder ca, KeyPair caKey,
            KeyPair serverKey, Instant notBefore, Instant notAfter)
            throws GeneralSecurityException, CertIOException, OperatorCreationException {
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        GeneralNames altNames = new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, Net.LOOPBACK),
                new GeneralName(GeneralName.dNSName, "localhost"),
        });
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.getSubject(), serial(),
                Date.from(notBefore), Date.from(notAfter), new X500Name("CN=localhost,O=lava-pg-jdbc tests"),
                serverKey.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false, altNames)
                .addExtension(Extension.subjectKeyIdentifier, false,
                        extensions.createSubjectKeyIdentifier(serverKey.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false,
                        extensions.createAuthorityKeyIdentifier(caKey.getPublic()));
        return builder.build(signer(caKey));
    }

    private static ContentSigner signer(KeyPair key) throws OperatorCreationException {
        return new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key.getPrivate());
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE); // positive, at most 16 bytes
    }

    // ---- files ----------------------------------------------------------------------------------

    private static byte[] pem(String type, byte[] der) throws IOException {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new PemObject(type, der));
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void write(Path file, byte[] content, boolean secret) throws IOException {
        Files.deleteIfExists(file);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
            Files.write(file, content, StandardOpenOption.TRUNCATE_EXISTING);
        } else {
            Files.write(file, content);
        }
    }
}
