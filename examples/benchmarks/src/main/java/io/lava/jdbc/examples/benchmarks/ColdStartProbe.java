package io.lava.jdbc.examples.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;

/**
 * The child process of row 5: opens one connection with {@link DriverManager}, runs {@code select 1}, prints
 * {@code ok} and exits. Its class path is this class alone plus the driver under test, so it uses nothing else of
 * this module. A password, when the URL needs one (plain pgjdbc), comes from the environment variable
 * {@value #PASSWORD_VARIABLE}, never from the command line.
 */
public final class ColdStartProbe {
    /** Environment variable holding the password for plain pgjdbc. */
    public static final String PASSWORD_VARIABLE = "BENCH_PG_PASSWORD";

    private ColdStartProbe() {
    }

    /**
     * @param args the JDBC URL
     * @throws Exception when the connection or the query fails (exit status 1)
     */
    public static void main(String[] args) throws Exception {
        Properties info = new Properties();
        String password = System.getenv(PASSWORD_VARIABLE);
        if (password != null) {
            info.setProperty("password", password);
        }
        try (Connection c = DriverManager.getConnection(args[0], info);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select 1")) {
            rs.next();
            System.out.println(rs.getInt(1) == 1 ? "ok" : "unexpected");
        }
    }
}
