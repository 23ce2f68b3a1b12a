package io.lava.jdbc.internal;

/**
 * A failure inside one resolution step (record, parameter, secret, credentials), before the realm and conn_id are
 * added by {@link Errors#at}. Unchecked so that it can leave a Caffeine loader; never cached.
 *
 * <p>Every failure is one of two kinds, which decides what a cache does with the value it holds
 * ({@code RefreshingCache}):
 * <ul>
 *   <li>an <b>answer</b> (the default): the source was asked and answered — the record is missing, not enabled or
 *       invalid; the parameter, secret or CA bundle does not exist or is invalid; AWS denied the call (access, KMS);
 *       the sign-in is over. The cached value is dropped and the connect refused, with this SQLState;</li>
 *   <li><b>unavailable</b> ({@link #unavailable}): the source could not be asked — throttling, HTTP 5xx, a timeout,
 *       the network, a credential source that cannot be reached, a file that cannot be read. A cached value is served
 *       for up to {@code maxStale} past its TTL while this lasts.</li>
 * </ul>
 * Every {@code SourceException} is classified where it is made, an answer unless made with {@link #unavailable};
 * {@link io.lava.jdbc.internal.aws.AwsFailures} classifies every AWS SDK failure, and each source marks its own. A
 * failure that is not a {@code SourceException} (an unexpected exception of a library) is no answer of the source
 * and counts as unavailable.
 *
 * <p>The message must never contain a password, token or secret JSON, and neither may the cause's: callers that parse
 * secret material drop the parser's exception instead of attaching it.
 */
final public class SourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String sqlState;
    private final boolean unavailable;

    /**
     * An answer of the source (see the class description).
     *
     * @param sqlState the SQLState the user will see (see {@link Errors})
     * @param message what failed and what to do, without realm/conn_id (added later)
     * @param cause the AWS, I/O or pgjdbc exception, or {@code null}
     */
    public SourceException(String sqlState, String message, Throwable cause) {
        this(sqlState, message, cause, false);
    }

    /** An answer of the source, without a cause. */
    public SourceException(String sqlState, String message) {
        this(sqlState, message, null, false);
    }

    private SourceException(String sqlState, String message, Throwable cause, boolean unavailable) {
        super(message, cause);
        this.sqlState = sqlState;
        this.unavailable = unavailable;
    }

    /**
     * @param sqlState the SQLState the user will see (normally {@link Errors#UNABLE_TO_CONNECT})
     * @param message what failed and what to do, without realm/conn_id
     * @param cause the AWS, I/O or timeout exception, or {@code null}
     * @return a failure that says the source could not be asked (see the class description)
     */
    public static SourceException unavailable(String sqlState, String message, Throwable cause) {
        return new SourceException(sqlState, message, cause, true);
    }

    /** @return the SQLState the user will see */
    public String sqlState() {
        return sqlState;
    }

    /**
     * @return whether the source could not be asked (throttled, 5xx, timed out, unreachable), so that a cached value
     *     may be served past its TTL; {@code false} for an answer
     */
    public boolean sourceUnavailable() {
        return unavailable;
    }
}
