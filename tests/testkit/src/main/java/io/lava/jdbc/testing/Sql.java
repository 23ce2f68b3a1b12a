package io.lava.jdbc.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Queries whose results a test compares as strings. */
public final class Sql {
    private Sql() {
    }

    /**
     * Connects with {@link DriverManager}, runs {@code query} and closes the connection.
     *
     * @return one string per row, its columns joined with {@code |}
     */
    public static List<String> rows(String url, String query) throws SQLException {
        return rows(url, query, "|");
    }

    /** @return as {@link #rows(String, String)}, the columns joined with {@code separator} */
    public static List<String> rows(String url, String query, String separator) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            return rows(c, query, separator);
        }
    }

    /** @return one string per row of {@code query} on {@code c}, its columns joined with {@code separator} */
    public static List<String> rows(Connection c, String query, String separator) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(String.join(separator, row));
            }
        }
        return rows;
    }

    /** @return the first column of the first row of {@code query} */
    public static String value(Connection c, String query) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
