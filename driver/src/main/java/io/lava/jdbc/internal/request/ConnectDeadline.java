package io.lava.jdbc.internal.request;

import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The one deadline of a connect: taken when the connect starts, {@code loginTimeout} later (pgjdbc's property, else
 * {@link java.sql.DriverManager#getLoginTimeout()}, when positive; none otherwise), and carried with the connect
 * through every step: each AWS call is given {@code min(awsApiCallTimeout, remaining)} ({@link #cap}), a wait for a
 * value another connect is reading is bounded by the same, and pgjdbc gets what remains as its own
 * {@code loginTimeout}. Once the deadline has passed, the next step fails at once ({@link #check}). Time comes from the
 * injected clock (the engine's ticker). Immutable; thread-safe.
 */
public final class ConnectDeadline {
    /** Shortest time worth giving a call: below it, the deadline counts as passed. */
    static final long MINIMUM_NANOS = 1_000_000;

    private final LongSupplier nanoTime;
    private final Duration loginTimeout;
    private final long deadlineNanos;

    private ConnectDeadline(LongSupplier nanoTime, Duration loginTimeout, long deadlineNanos) {
        this.nanoTime = nanoTime;
        this.loginTimeout = loginTimeout;
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * @param nanoTime the clock, read now and at every later question
     * @param loginTimeout the connect's {@code loginTimeout}, or {@code null} for none
     * @return a deadline {@code loginTimeout} from now, or an unbounded one
     */
    public static ConnectDeadline start(LongSupplier nanoTime, Duration loginTimeout) {
        return startedAt(nanoTime, nanoTime.getAsLong(), loginTimeout);
    }

    /**
     * @param nanoTime the clock
     * @param startNanos clock time the connect started
     * @param loginTimeout the connect's {@code loginTimeout}, or {@code null} for none
     * @return a deadline {@code loginTimeout} after {@code startNanos}, or an unbounded one
     */
    public static ConnectDeadline startedAt(LongSupplier nanoTime, long startNanos, Duration loginTimeout) {
        return loginTimeout == null ? new ConnectDeadline(nanoTime, null, 0)
                : new ConnectDeadline(nanoTime, loginTimeout, startNanos + loginTimeout.toNanos());
    }

    /** @return a deadline that never passes (connects without {@code loginTimeout}, and tools' own reads) */
    public static ConnectDeadline none() {
        return new ConnectDeadline(() -> 0L, null, 0);
    }

    /** @return the connect's {@code loginTimeout}, or {@code null} when it has none */
    public Duration loginTimeout() {
        return loginTimeout;
    }

    /** @return the time left, never negative; {@code null} when the connect has no deadline */
    public Duration remaining() {
        if (loginTimeout == null) {
            return null;
        }
        return Duration.ofNanos(Math.max(0, deadlineNanos - nanoTime.getAsLong()));
    }

    /** @return whether the connect has a deadline and it has passed (less than 1 ms left) */
    public boolean passed() {
        return loginTimeout != null && deadlineNanos - nanoTime.getAsLong() < MINIMUM_NANOS;
    }

    /**
     * @param what the step about to run, e.g. {@code "reading the record"}
     * @throws SourceException (08001) when the deadline has passed
     */
    public void check(String what) {
        if (passed()) {
            throw expired(what, null);
        }
    }

    /**
     * @param timeouts the connect's per-call limits ({@code awsApiCallTimeout}, {@code awsApiCallAttemptTimeout})
     * @param what the call about to be made, for the message when no time is left
     * @return limits no longer than the time left: {@code apiCall = min(awsApiCallTimeout, remaining)},
     *     {@code attempt = min(awsApiCallAttemptTimeout, apiCall)}; {@code timeouts} itself without a deadline
     * @throws SourceException (08001) when the deadline has passed
     */
    public CallTimeouts cap(CallTimeouts timeouts, String what) {
        if (loginTimeout == null) {
            return timeouts;
        }
        check(what);
        Duration left = remaining();
        if (left.compareTo(timeouts.apiCall()) >= 0) {
            return timeouts;
        }
        return new CallTimeouts(left, timeouts.attempt().compareTo(left) > 0 ? left : timeouts.attempt());
    }

    /**
     * @param what what could not be done in time
     * @param cause what the step failed with, or {@code null}
     * @return the failure of a connect whose deadline passed (08001), naming {@code loginTimeout} and what to do
     */
    public SourceException expired(String what, Throwable cause) {
        return SourceException.unavailable(Errors.UNABLE_TO_CONNECT, "the connect's loginTimeout ("
                + seconds(loginTimeout) + " s) ran out before " + what + ". Raise loginTimeout (the property, or "
                + "DriverManager.setLoginTimeout), or find what makes the connect slow: AWS throttling or an "
                + "unreachable AWS endpoint (see the cause), or the database server", cause);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : Double.toString(d.toMillis() / 1000.0);
    }

    @Override
    public String toString() {
        return loginTimeout == null ? "ConnectDeadline[none]" : "ConnectDeadline[loginTimeout=" + loginTimeout
                + ", remaining=" + remaining() + "]";
    }
}
