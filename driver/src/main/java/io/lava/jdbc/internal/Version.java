package io.lava.jdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The driver's version, written into {@code version.properties} by the build. */
final public class Version {
    /** Full version string, e.g. {@code 0.1.0-SNAPSHOT}; {@code 0.0.0} when run outside a build. */
    public static final String FULL;
    public static final int MAJOR;
    public static final int MINOR;

    static {
        String version = "0.0.0";
        try (InputStream in = Version.class.getResourceAsStream("/io/lava/jdbc/version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (v.matches("\\d+\\.\\d+.*")) {
                    version = v;
                }
            }
        } catch (IOException ignored) {
            // keep 0.0.0
        }
        FULL = version;
        String[] parts = version.split("[.-]");
        MAJOR = Integer.parseInt(parts[0]);
        MINOR = Integer.parseInt(parts[1]);
    }

    private Version() {
    }
}
