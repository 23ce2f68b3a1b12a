package io.lava.jdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The driver's version and the build's commit, written into {@code version.properties} by the build, and the versions
 * of pgjdbc and the AWS SDK the driver runs with (in the {@code -all} jar: the ones it bundles).
 */
final public class Version {
    /** What a version or commit reads as when it is not known. */
    public static final String UNKNOWN = "unknown";
    /** Full version string, e.g. {@code 1.0.0-SNAPSHOT}; {@code 0.0.0} when run outside a build. */
    public static final String FULL;
    /** The major version of {@link #FULL}. */
    public static final int MAJOR;
    /** The minor version of {@link #FULL}. */
    public static final int MINOR;
    /** The full id of the commit the build was made from; {@code unknown} when it was not built in a git checkout. */
    public static final String COMMIT;

    static {
        String version = "0.0.0";
        String commit = UNKNOWN;
        try (InputStream in = Version.class.getResourceAsStream("/io/lava/jdbc/version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (v.matches("\\d+\\.\\d+.*")) {
                    version = v;
                }
                String c = p.getProperty("commit", "");
                if (c.matches("[0-9a-f]{7,64}")) {
                    commit = c;
                }
            }
        } catch (IOException ignored) {
            // keep 0.0.0 and unknown
        }
        FULL = version;
        COMMIT = commit;
        String[] parts = version.split("[.-]");
        MAJOR = Integer.parseInt(parts[0]);
        MINOR = Integer.parseInt(parts[1]);
    }

    private Version() {
    }

    /** @return the version of pgjdbc on the class path (the bundled one in the {@code -all} jar), else {@code unknown} */
    public static String pgjdbc() {
        // read at run time: the compiler would copy the constant into this class
        try {
            return constant(org.postgresql.util.DriverInfo.class, "DRIVER_VERSION");
        } catch (LinkageError e) {
            return UNKNOWN;
        }
    }

    /**
     * @return the version of the AWS SDK on the class path (the bundled, relocated one in the {@code -all} jar), else
     *     {@code unknown}
     */
    public static String awsSdk() {
        try {
            return constant(software.amazon.awssdk.core.util.VersionInfo.class, "SDK_VERSION");
        } catch (LinkageError e) {
            return UNKNOWN;
        }
    }

    private static String constant(Class<?> type, String field) {
        try {
            return type.getField(field).get(null) instanceof String s && !s.isBlank() ? s : UNKNOWN;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return UNKNOWN;
        }
    }
}
