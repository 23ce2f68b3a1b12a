package io.lava.jdbc.it.packaging;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Run as a source file by {@link OpenTelemetryAgentIT}, in a JVM of its own with only the class path under test (and
 * the OpenTelemetry Java agent or not): connects through the first URL and runs {@code select current_user}, then
 * connects through the second, which must fail. Prints {@code current_user=<user>} and {@code failed=<SQLState>}.
 * Uses the JDK only.
 */
public final class OpenTelemetryProbe {
    private OpenTelemetryProbe() {
    }

    public static void main(String[] args) throws SQLException {
        try (Connection c = DriverManager.getConnection(args[0]);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select current_user")) {
            rs.next();
            System.out.println("current_user=" + rs.getString(1));
        }
        try (Connection c = DriverManager.getConnection(args[1])) {
            System.out.println("connected to " + args[1] + ", which should have failed");
        } catch (SQLException expected) {
            System.out.println("failed=" + expected.getSQLState());
        }
    }
}
