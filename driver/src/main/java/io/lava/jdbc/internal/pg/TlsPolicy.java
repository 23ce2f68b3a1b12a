package io.lava.jdbc.internal.pg;

import io.lava.jdbc.internal.record.ResolvedConnection;
import io.lava.jdbc.internal.request.ConnectionOptions;
import io.lava.jdbc.internal.request.SslMode;
import io.lava.jdbc.internal.request.UntrustedProperties;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The TLS settings pgjdbc receives: the record's, made stricter by the tool's, never weaker ({@link #apply}); the
 * tool's properties that could weaken them are refused ({@link #check}).
 */
public final class TlsPolicy {
    private static final Logger LOG = Logger.getLogger(TlsPolicy.class.getName());

    private TlsPolicy() {
    }

    /**
     * Refuses the tool's properties that could weaken the record's TLS ({@link UntrustedProperties#checkTls}): run
     * before pgjdbc is called, so nothing, the password least of all, reaches the server.
     *
     * @throws io.lava.jdbc.internal.SourceException (0A000) naming the property
     */
    public static void check(ConnectionOptions options, ResolvedConnection resolved) {
        SslMode record = resolved.sslMode();
        boolean verifies = record != null && record.compareTo(SslMode.VERIFY_CA) >= 0;
        boolean iam = resolved.passwordSource() == ResolvedConnection.PasswordSource.IAM_TOKEN;
        String why = verifies ? "ssl_mode " + record.pgName() : iam ? "an RDS IAM token travels only over TLS"
                : resolved.sslCaFile() != null ? "ssl_ca_file" : "";
        UntrustedProperties.checkTls(options.pgProperties(), verifies, iam, resolved.sslCaFile() != null, why);
    }

    /**
     * Sets {@code sslmode} to the stricter of the record's ({@code ssl_mode}/{@code ssl}) and the user's; with an IAM
     * token, at least {@code require} (lava's docs make TLS mandatory for IAM; this driver enforces it whatever the
     * record or URL says). The record's {@code ssl_ca_file} becomes {@code sslrootcert} unless the user set one.
     *
     * <p>{@code verify-ca} / {@code verify-full} with no CA file (neither the record's {@code ssl_ca_file} nor the
     * user's {@code sslrootcert}) and no user {@code sslfactory}: {@code sslfactory} becomes pgjdbc's
     * {@link org.postgresql.ssl.DefaultJavaSSLFactory}, which verifies the server's chain against the JVM's trust store
     * ({@code javax.net.ssl.trustStore}, else the JDK's {@code cacerts}), as lava 8.3 verifies against the system store
     * ({@code lava/lib/ssl.py}). pgjdbc's {@code MakeSSL} checks the host name for {@code verify-full} whatever the
     * factory, so {@code verify-full} still verifies the host name; {@code verify-ca} does not.
     */
    public static void apply(ConnectionOptions options, ResolvedConnection resolved, Properties props) {
        SslMode mode = SslMode.stricter(resolved.sslMode(), options.sslMode());
        if (resolved.passwordSource() == ResolvedConnection.PasswordSource.IAM_TOKEN
                && (mode == null || mode.compareTo(SslMode.REQUIRE) < 0)) {
            LOG.log(Level.FINE, "realm ''{0}'', conn_id ''{1}'': sslmode {2} raised to require: an IAM token only "
                    + "travels over TLS", new Object[] {resolved.realm(), resolved.connId(),
                            mode == null ? "(not set)" : mode.pgName()});
            mode = SslMode.REQUIRE;
        }
        if (mode != null) {
            props.setProperty("sslmode", mode.pgName());
        }
        if (resolved.sslCaFile() != null && props.getProperty("sslrootcert") == null) {
            props.setProperty("sslrootcert", resolved.sslCaFile());
        }
        if (mode != null && mode.compareTo(SslMode.VERIFY_CA) >= 0 && props.getProperty("sslrootcert") == null
                && props.getProperty("sslfactory") == null) {
            props.setProperty("sslfactory", org.postgresql.ssl.DefaultJavaSSLFactory.class.getName());
        }
    }
}
