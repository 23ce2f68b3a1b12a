package io.lava.jdbc.internal.request;

import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The pgjdbc properties a URL (or the tool's {@code Properties}) may not set, because whoever writes the URL need not
 * own the process ({@code docs/security.md}): refused with SQLState {@value Errors#NOT_SUPPORTED}, naming the
 * property (never its value) and what to do, before pgjdbc sees them.
 *
 * <p>Names are pgjdbc 42.7.14's ({@code org.postgresql.PGProperty}). pgjdbc looks a property up by its exact name
 * ({@code Properties.getProperty}); these checks match names ignoring case, so that a case variant is refused too
 * rather than relied upon to be ignored. Values are compared exactly, as pgjdbc passes them to
 * {@code Class.forName}.
 */
public final class UntrustedProperties {
    /**
     * pgjdbc's SSL socket factories that verify the server as {@code sslmode} says: {@code LibPQFactory} (pgjdbc's
     * default) and {@code DefaultJavaSSLFactory} (the JVM's trust store). Any other value (e.g.
     * {@code NonValidatingFactory}, or a class of the URL writer's) is refused.
     */
    public static final Set<String> VALIDATING_SSL_FACTORIES = Set.of("org.postgresql.ssl.LibPQFactory",
            "org.postgresql.ssl.DefaultJavaSSLFactory");

    /**
     * Properties whose value is a class pgjdbc loads and instantiates, refused whatever their value:
     * {@code socketFactory} (every byte of the connection, the password included, goes through it),
     * {@code sslhostnameverifier} (replaces the {@code verify-full} host name check),
     * {@code sslpasswordcallback} and {@code authenticationPluginClassName} (code of the URL writer's choice that
     * also sees the password).
     */
    private static final Set<String> CLASS_NAMES = lower("socketFactory", "sslhostnameverifier",
            "sslpasswordcallback", "authenticationPluginClassName");

    /**
     * Properties that change how the record's TLS is checked or carried, refused when the record asks pgjdbc to
     * verify the server ({@code ssl_mode} {@code verify-ca}/{@code verify-full}) or an RDS IAM token forces TLS:
     * {@code sslfactoryarg} and {@code socketFactoryArg} (arguments of the factories above), {@code sslcert},
     * {@code sslkey}, {@code sslpassword} (a client certificate and key of the URL writer's, read from files of the
     * process's host). {@code sslrootcert} and {@code gssEncMode} have rules of their own ({@link #checkTls}).
     */
    private static final Set<String> TLS_SETTINGS = lower("sslfactoryarg", "socketFactoryArg", "sslcert", "sslkey",
            "sslpassword");

    private UntrustedProperties() {
    }

    /**
     * Refuses, whatever the record says, the properties that make pgjdbc load a class the URL names:
     * {@link #CLASS_NAMES}; {@code sslfactory} other than {@link #VALIDATING_SSL_FACTORIES}; {@code xmlFactoryFactory}
     * other than empty (pgjdbc's default, which refuses external entities: its other value, {@code LEGACY_INSECURE},
     * lets an XML value read files of the process's host, and any other is a class); {@code classLoaderStrategy}
     * other than {@code driver} or {@code driver-first} ({@code context-first} would load even the allowed class
     * names above from the connecting thread's class loader, e.g. a Spark job's jar).
     *
     * @param pg the properties for pgjdbc, as the URL and {@code Properties} gave them
     * @throws SourceException (0A000) naming the first property refused
     */
    public static void checkClassNames(Map<String, String> pg) {
        for (Map.Entry<String, String> e : pg.entrySet()) {
            String key = e.getKey().toLowerCase(Locale.ROOT);
            String value = e.getValue();
            if (CLASS_NAMES.contains(key)) {
                throw refused(e.getKey(), "names a class pgjdbc would load and run inside this process",
                        "Remove it from the URL and properties");
            }
            if (key.equals("sslfactory") && !VALIDATING_SSL_FACTORIES.contains(value)) {
                throw refused(e.getKey(), "is not one of pgjdbc's validating factories "
                        + String.join(", ", VALIDATING_SSL_FACTORIES.stream().sorted().toList()),
                        "Remove it, or set one of those");
            }
            if (key.equals("xmlfactoryfactory") && !value.isEmpty()) {
                throw refused(e.getKey(), "would let XML values read files of this host or load a class",
                        "Remove it (pgjdbc's default is safe)");
            }
            if (key.equals("classloaderstrategy") && !value.equals("driver") && !value.equals("driver-first")) {
                throw refused(e.getKey(), "would let classes pgjdbc loads come from the caller's class loader",
                        "Remove it, or set driver or driver-first");
            }
        }
    }

    /**
     * Refuses the properties that could weaken the record's TLS: when {@code verify} (the record's {@code ssl_mode}
     * is {@code verify-ca} or {@code verify-full}, or an RDS IAM token forces TLS) any of {@link #TLS_SETTINGS}, and
     * {@code gssEncMode} {@code prefer} or {@code require} (pgjdbc then skips TLS once GSSAPI encryption is set up);
     * {@code sslrootcert} (it replaces the record's CA) when the record has an {@code ssl_ca_file} or verifies
     * ({@code verify-ca}/{@code verify-full}). {@code sslmode} is not refused: the stricter of the record's and the
     * URL's is used ({@code TlsPolicy}). {@code sslNegotiation=direct} is not refused: it starts TLS at once and
     * weakens nothing.
     *
     * @param pg the properties for pgjdbc
     * @param recordVerifies the record's {@code ssl_mode} is {@code verify-ca} or {@code verify-full}
     * @param tlsForced an RDS IAM token is sent, so TLS is forced
     * @param recordCaFile the record names an {@code ssl_ca_file}
     * @param why the record's setting, for the message, e.g. {@code ssl_mode verify-full}
     * @throws SourceException (0A000) naming the first property refused
     */
    public static void checkTls(Map<String, String> pg, boolean recordVerifies, boolean tlsForced,
                                boolean recordCaFile, String why) {
        boolean verify = recordVerifies || tlsForced;
        for (Map.Entry<String, String> e : pg.entrySet()) {
            String key = e.getKey().toLowerCase(Locale.ROOT);
            if (verify && TLS_SETTINGS.contains(key)) {
                throw weakens(e.getKey(), why);
            }
            if (verify && key.equals("gssencmode")) {
                String mode = e.getValue().trim().toLowerCase(Locale.ROOT);
                if (mode.equals("prefer") || mode.equals("require")) {
                    throw weakens(e.getKey(), why);
                }
            }
            if (key.equals("sslrootcert") && (recordVerifies || recordCaFile)) {
                throw weakens(e.getKey(), why);
            }
        }
    }

    private static SourceException weakens(String property, String why) {
        return refused(property, "could weaken the TLS the record asks for (" + why + "); a URL may make TLS "
                + "stricter, never weaker", "Remove it from the URL and properties, or ask the record's owner to "
                + "change the record's TLS fields");
    }

    private static SourceException refused(String property, String what, String fix) {
        return new SourceException(Errors.NOT_SUPPORTED, "property '" + property + "' " + what
                + "; lava-pg does not pass it to pgjdbc, whoever writes the URL. " + fix);
    }

    private static Set<String> lower(String... names) {
        return Set.of(names).stream().map(n -> n.toLowerCase(Locale.ROOT))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
}
