package io.lava.jdbc.it.credentials;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Connects through whatever lava-pg-jdbc jar is on the class path, one URL at a time as {@link SignInIT} sends them
 * on standard input (one line each), and answers each on standard output with one line:
 * {@code <outcome>\t<sqlState>\t<message>} ({@code connected}, {@code SQLException} or the class of any other
 * throwable; the message with line breaks escaped). One engine for all of them: the JVM stays up between connects, as
 * a tool does all day, while the test changes the sign-in and the AWS files around it. Uses the JDK only, so the
 * class path holds nothing but the jar under test and this class. Ends at the end of its input.
 */
public final class SignInProbe {
    private SignInProbe() {
    }

    /**
     * @param args none
     * @throws Exception when standard input cannot be read
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String url = in.readLine(); url != null; url = in.readLine()) {
            out.println(connect(url));
        }
    }

    private static String connect(String url) {
        try (Connection c = DriverManager.getConnection(url)) {
            return c.isValid(5) ? "connected\t\t" : "invalid connection\t\t";
        } catch (SQLException e) {
            return "SQLException\t" + e.getSQLState() + "\t" + escape(e.getMessage());
        } catch (Throwable t) {
            return t.getClass().getName() + "\t\t" + escape(t.getMessage());
        }
    }

    private static String escape(String text) {
        return String.valueOf(text).replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t");
    }
}
