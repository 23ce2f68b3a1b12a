package io.lava.jdbc.examples.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The child process of row 5: opens one connection with {@link DriverManager}, runs {@code select 1}, prints
 * {@code ok} (the parent's clock stops there), then prints the process's peak resident set ({@code VmHWM} from
 * {@code /proc/self/status}, e.g. {@code VmHWM: 81234 kB}; {@code VmHWM: -} where there is no such file) and exits.
 * Its class path is this class alone plus the driver under test, so it uses nothing else of this module.
 *
 * <p>Inputs besides the URL: the password, when the driver needs one from the caller (plain pgjdbc), from the
 * environment variable {@value #PASSWORD_VARIABLE}, never from the command line; the {@code user} property from the
 * system property {@value #USER_PROPERTY} (the AWS Secrets Manager JDBC driver reads the secret id there, not from the
 * URL); and {@value #DRIVER_CLASS_PROPERTY}, a driver class to load first, for a driver without a
 * {@code META-INF/services/java.sql.Driver} entry.
 */
public final class ColdStartProbe {
    /** Environment variable holding the password for plain pgjdbc. */
    public static final String PASSWORD_VARIABLE = "BENCH_PG_PASSWORD";
    /** System property: the {@code user} connection property, when the URL cannot carry it. */
    public static final String USER_PROPERTY = "bench.user";
    /** System property: a driver class to load before connecting. */
    public static final String DRIVER_CLASS_PROPERTY = "bench.driverClass";

    private ColdStartProbe() {
    }

    /**
     * @param args the JDBC URL
     * @throws Exception when the connection or the query fails (exit status 1)
     */
    public static void main(String[] args) throws Exception {
        String driverClass = System.getProperty(DRIVER_CLASS_PROPERTY);
        if (driverClass != null) {
            Class.forName(driverClass);
        }
        Properties info = new Properties();
        String user = System.getProperty(USER_PROPERTY);
        if (user != null) {
            info.setProperty("user", user);
        }
        String password = System.getenv(PASSWORD_VARIABLE);
        if (password != null) {
            info.setProperty("password", password);
        }
        connectAndReport(args[0], info);
    }

    /**
     * Connects with {@link DriverManager}, runs {@code select 1}, prints {@code ok} (the parent's clock stops there),
     * closes, then prints the peak resident set ({@link #peakResidentSet()}): the end of every probe of row 5.
     *
     * @param url the JDBC URL
     * @param info the connection properties
     * @throws SQLException when the connection or the query fails
     */
    static void connectAndReport(String url, Properties info) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, info);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select 1")) {
            rs.next();
            System.out.println(rs.getInt(1) == 1 ? "ok" : "unexpected");
            System.out.flush();
        }
        System.out.println(peakResidentSet());
    }

    /** @return the {@code VmHWM:} line of {@code /proc/self/status}, or {@code VmHWM: -} */
    static String peakResidentSet() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return line.replaceAll("\\s+", " ").trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "VmHWM: -";
    }
}
