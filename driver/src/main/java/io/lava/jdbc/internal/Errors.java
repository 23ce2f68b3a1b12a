package io.lava.jdbc.internal;

import java.sql.SQLException;

/**
 * SQLStates the driver reports and the one place where a failure becomes an {@link SQLException} whose message names
 * the realm, the conn_id and the step that failed.
 *
 * <p>Message shape: {@code lava-pg realm 'prod', conn_id 'warehouse': <step>: <what failed>. <what to do>}.
 */
final public class Errors {
    /** Could not establish a connection: URL, record, AWS source or network (SQL standard class 08). */
    public static final String UNABLE_TO_CONNECT = "08001";
    /** Invalid authorization: disabled record, missing password, access denied, parameter outside the realm. */
    public static final String INVALID_AUTHORIZATION = "28000";
    /** A feature the driver does not support (an {@code s3://} CA bundle in a directory bucket, an unwrap it cannot do). */
    public static final String NOT_SUPPORTED = "0A000";

    /** The resolution steps, as named in error messages and logs. */
    public enum Step {
        URL("url"),
        RECORD("record"),
        PARAMETER("parameter"),
        SECRET("secret"),
        CREDENTIALS("credentials"),
        TOKEN("token"),
        CA_BUNDLE("ca bundle"),
        CONNECT("connect");

        public final String label;

        Step(String label) {
            this.label = label;
        }
    }

    private Errors() {
    }

    /**
     * Builds the user-facing exception for a failed step.
     *
     * @param realm the realm, or {@code null} when not known yet
     * @param connId the conn_id, or {@code null} when not known yet
     * @param step the failing step
     * @param failure the step's failure; its SQLState, message and cause are kept
     * @return an exception with the failure's SQLState and cause
     */
    public static SQLException at(String realm, String connId, Step step, SourceException failure) {
        return new SQLException(prefix(realm, connId, step) + failure.getMessage(), failure.sqlState(),
                failure.getCause());
    }

    /**
     * Builds the user-facing exception for a failed step.
     *
     * @param message what failed and what to do
     * @return an exception with {@code sqlState} and {@code cause}
     */
    public static SQLException at(String realm, String connId, Step step, String sqlState, String message,
                                  Throwable cause) {
        return new SQLException(prefix(realm, connId, step) + message, sqlState, cause);
    }

    /**
     * The failure for a class of the driver or of its libraries that cannot be loaded or linked
     * ({@link NoClassDefFoundError}, {@link NoSuchMethodError}, ...): the jar on the class path is incomplete, or
     * another copy of the driver or of its libraries (the AWS SDK, pgjdbc, Caffeine) is mixed in. Never a bare
     * {@link Error} to the caller: every step turns it into an {@link SQLException} with SQLState 08001.
     *
     * @param e the error, kept as the cause; its message names the class or member
     * @return a failure with SQLState {@value #UNABLE_TO_CONNECT}
     */
    public static SourceException incompleteJar(LinkageError e) {
        return new SourceException(UNABLE_TO_CONNECT, "the driver could not load a class it needs (" + e + "): the "
                + "lava-pg-jdbc jar is incomplete, or mixed with another copy of the driver or of its libraries on "
                + "the class path. Use one lava-pg-jdbc jar: the -all jar alone, or the thin jar with its dependencies "
                + "as Maven or Gradle resolve them", e);
    }

    /**
     * @param t a throwable, or {@code null}
     * @return the first {@link LinkageError} in {@code t}'s cause chain, {@code t} included, or {@code null}
     */
    public static LinkageError linkageError(Throwable t) {
        for (int depth = 0; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof LinkageError linkage) {
                return linkage;
            }
        }
        return null;
    }

    private static String prefix(String realm, String connId, Step step) {
        return "lava-pg realm " + quote(realm) + ", conn_id " + quote(connId) + ": " + step.label + ": ";
    }

    private static String quote(String value) {
        return value == null ? "(none)" : "'" + value + "'";
    }
}
