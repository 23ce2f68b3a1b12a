package io.lava.jdbc.internal;

/**
 * A failure inside one resolution step (record, parameter, secret, credentials), before the realm and conn_id are
 * added by {@link Errors#at}. Unchecked so that it can leave a Caffeine loader; never cached.
 *
 * <p>The message must never contain a password, token or secret JSON, and neither may the cause's: callers that parse
 * secret material drop the parser's exception instead of attaching it.
 */
final public class SourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String sqlState;

    /**
     * @param sqlState the SQLState the user will see (see {@link Errors})
     * @param message what failed and what to do, without realm/conn_id (added later)
     * @param cause the AWS, I/O or pgjdbc exception, or {@code null}
     */
    public SourceException(String sqlState, String message, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    public SourceException(String sqlState, String message) {
        this(sqlState, message, null);
    }

    public String sqlState() {
        return sqlState;
    }
}
