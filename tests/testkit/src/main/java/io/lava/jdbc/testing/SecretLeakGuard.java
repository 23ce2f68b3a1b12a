package io.lava.jdbc.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Captures every java.util.logging line of the driver and of pgjdbc at FINEST for the whole test JVM, and fails a test
 * class whose tests (or any before it) let a registered secret — a password, token or secret JSON used in a test —
 * reach a log line. The secrets are those in {@link TestSecrets}: the harness registers every password it gives a
 * role and every SSM value and secret it serves; tests register any other secret they use (a password typed into a
 * tool, a token) with {@link #secret(String)}.
 *
 * <p>pgjdbc's FINEST protocol trace ({@code FE=> Parse/Bind(...)}, {@code <=BE ...}) is left out: it shows the SQL
 * the tests' own admin connections send (e.g. {@code CREATE ROLE ... PASSWORD '...'}), not anything the driver does.
 *
 * <p>Usage: {@code @ExtendWith(SecretLeakGuard.class)} on every integration test class.
 */
public final class SecretLeakGuard implements BeforeAllCallback, AfterAllCallback {
    private static final List<String> LINES = new ArrayList<>();
    /** Held so that java.util.logging cannot collect the configured loggers (it keeps loggers weakly). */
    private static final List<Logger> LOGGERS =
            List.of(Logger.getLogger("io.lava.jdbc"), Logger.getLogger("org.postgresql"));
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getMessage() != null && (r.getMessage().contains("FE=> ") || r.getMessage().contains("<=BE "))) {
                return;
            }
            StringBuilder line = new StringBuilder()
                    .append(r.getLevel()).append(' ').append(r.getLoggerName()).append(": ").append(r.getMessage());
            if (r.getParameters() != null) {
                line.append(' ').append(Arrays.toString(r.getParameters()));
            }
            for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
                line.append(" | ").append(t);
            }
            synchronized (LINES) {
                LINES.add(line.toString());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    static {
        CAPTURE.setLevel(Level.ALL);
        for (Logger logger : LOGGERS) {
            logger.setLevel(Level.FINEST);
            logger.addHandler(CAPTURE);
        }
    }

    /** Creates the extension; JUnit does this for {@code @ExtendWith}. */
    public SecretLeakGuard() {}

    /**
     * Registers a value that must never appear in a log line ({@link TestSecrets#register(String)}).
     *
     * @param value a password, token or secret JSON used by a test
     * @return {@code value}, for inline use
     */
    public static String secret(String value) {
        return TestSecrets.register(value);
    }

    /** @return a copy of every captured line so far */
    public static List<String> lines() {
        synchronized (LINES) {
            return List.copyOf(LINES);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // capturing starts when the class loads; nothing else to do
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check(lines(), TestSecrets.all());
    }

    /**
     * @param lines captured log lines
     * @param secrets values that must not appear in them
     * @throws AssertionError naming the first line that holds a secret, the secret itself replaced
     */
    static void check(List<String> lines, Set<String> secrets) {
        for (String secret : secrets) {
            for (String line : lines) {
                if (line.contains(secret)) {
                    throw new AssertionError("a secret used by the tests reached a log line: "
                            + line.replace(secret, "<the secret>"));
                }
            }
        }
    }
}
