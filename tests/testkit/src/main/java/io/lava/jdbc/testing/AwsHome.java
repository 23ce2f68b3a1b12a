package io.lava.jdbc.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * A user's home directory as the AWS CLI leaves it: {@code .aws/config}, {@code .aws/credentials}, the IAM Identity
 * Center token cache of {@code aws sso login} ({@code .aws/sso/cache/<sha1>.json}) and the console credentials cache
 * of {@code aws login} ({@code .aws/login/cache/<sha256>.json}), in the formats the AWS SDK for Java reads
 * ({@code OnDiskTokenManager} of the ssooidc and signin modules, {@code SsoAccessTokenProvider}). This class does not
 * depend on JUnit.
 *
 * @param home the directory
 */
public record AwsHome(Path home) {
    /** A time long past: a cached token that has expired. */
    public static final Instant EXPIRED = Instant.parse("2020-01-01T00:00:00Z");
    /** A time far ahead: a cached token that is valid. */
    public static final Instant VALID = Instant.parse("2099-01-01T00:00:00Z");

    /**
     * @param home an empty directory
     * @return the home, with its {@code .aws} directory created
     */
    public static AwsHome in(Path home) {
        try {
            Files.createDirectories(home.resolve(".aws"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new AwsHome(home);
    }

    /** Writes {@code .aws/config}. @return this */
    public AwsHome config(String text) {
        return write(home.resolve(".aws/config"), text);
    }

    /** Writes {@code .aws/credentials}. @return this */
    public AwsHome credentials(String text) {
        return write(home.resolve(".aws/credentials"), text);
    }

    /**
     * The cache file {@code aws sso login} writes for an {@code [sso-session <name>]}: its access token, when it
     * expires, and the client registration and refresh token SSO OIDC's {@code CreateToken} refreshes it with.
     *
     * @return this
     */
    public AwsHome ssoSessionToken(String session, String accessToken, Instant expiresAt, String refreshToken,
                                   String startUrl) {
        return write(home.resolve(".aws/sso/cache/" + hex("SHA-1", session) + ".json"), "{"
                + "\"startUrl\":\"" + startUrl + "\",\"region\":\"us-east-1\",\"accessToken\":\"" + accessToken + "\","
                + "\"expiresAt\":\"" + expiresAt + "\",\"clientId\":\"lava-test-client\","
                + "\"clientSecret\":\"lava-test-client-secret\",\"registrationExpiresAt\":\"" + VALID + "\","
                + "\"refreshToken\":\"" + refreshToken + "\"}");
    }

    /**
     * The cache file the legacy form ({@code sso_start_url} in the profile) reads, named after the start URL; it has no
     * refresh token.
     *
     * @return this
     */
    public AwsHome legacySsoToken(String startUrl, String accessToken, Instant expiresAt) {
        return write(home.resolve(".aws/sso/cache/" + hex("SHA-1", startUrl) + ".json"), "{"
                + "\"startUrl\":\"" + startUrl + "\",\"region\":\"us-east-1\",\"accessToken\":\"" + accessToken + "\","
                + "\"expiresAt\":\"" + expiresAt + "\"}");
    }

    /**
     * The cache file {@code aws login} writes for a {@code login_session}: session credentials, when they expire, and
     * the refresh token and DPoP key (a new P-256 key, SEC1 PEM) the sign-in service refreshes them with.
     *
     * @return this
     */
    public AwsHome loginToken(String loginSession, String accessKeyId, Instant expiresAt, String refreshToken) {
        String dpopKey = dpopKey().replace("\n", "\\n");
        return write(home.resolve(".aws/login/cache/" + hex("SHA-256", loginSession) + ".json"), "{"
                + "\"accessToken\":{\"accessKeyId\":\"" + accessKeyId + "\",\"secretAccessKey\":\"login-cached-secret\","
                + "\"sessionToken\":\"login-cached-session\",\"accountId\":\"123456789012\",\"expiresAt\":\""
                + expiresAt + "\"},\"tokenType\":\"aws_sigv4\",\"refreshToken\":\"" + refreshToken + "\","
                + "\"identityToken\":\"login-identity-token\",\"clientId\":\"arn:aws:signin:::devtools/same-device\","
                + "\"dpopKey\":\"" + dpopKey + "\"}");
    }

    /**
     * An executable that prints credentials as {@code credential_process} must ({@code Version 1}).
     *
     * @return its path
     */
    public Path credentialProcess(String accessKeyId) {
        return credentialProcess(1, accessKeyId);
    }

    /**
     * An executable that prints credentials in a {@code credential_process} format version of its choosing (the SDK
     * knows version 1 only).
     *
     * @return its path
     */
    public Path credentialProcess(int version, String accessKeyId) {
        Path script = home.resolve("credential-process.sh");
        write(script, "#!/bin/sh\necho '{\"Version\": " + version + ", \"AccessKeyId\": \"" + accessKeyId + "\", "
                + "\"SecretAccessKey\": \"process-test-secret\"}'\n");
        try {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return script;
    }

    /** Writes a file under the home. @return its path */
    public Path file(String name, String text) {
        Path file = home.resolve(name);
        write(file, text);
        return file;
    }

    private AwsHome write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private static String hex(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm)
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a new P-256 private key with its public key, as SEC1 {@code EC PRIVATE KEY} PEM */
    private static String dpopKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            BigInteger d = ((ECPrivateKey) pair.getPrivate()).getS();
            SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
            org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, d,
                    publicKey.getPublicKeyData(), new ASN1ObjectIdentifier("1.2.840.10045.3.1.7"));
            StringWriter out = new StringWriter();
            try (PemWriter pem = new PemWriter(out)) {
                pem.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
            }
            return out.toString();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
