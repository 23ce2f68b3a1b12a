package io.lava.jdbc.internal.engine;

import io.lava.jdbc.internal.request.ConnectDeadline;
import java.time.Duration;
import java.util.function.LongSupplier;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * How long a connect whose password the server refused keeps going back to the password's store, and how long it
 * waits between tries.
 *
 * <p>A rotation of a Secrets Manager secret ({@code createSecret → setSecret → testSecret → finishSecret}) or of an
 * SSM parameter by a rotation job has a window, normally seconds, in which the database and the store disagree, in
 * either order: the database already has the new password while the store still serves the old one (between
 * {@code setSecret} and {@code finishSecret}), or the store serves a password the database does not have yet. A
 * connect inside it is refused with the password the store serves. The engine then reads the password again past its
 * cache and retries; while the store answers the password just refused, it waits a jittered, growing delay
 * ({@link #delay}) and tries the same password again, until the window ends ({@link #end}).
 *
 * <p>The window ends at the connect's {@code loginTimeout} deadline when it has one, else {@value #DEFAULT_SECONDS} s
 * after the first refusal. A wait is begun only when it leaves at least {@link #TRY_ALLOWANCE} of the window for the
 * try after it, so the last failure the caller sees is the server's refusal, not a timeout. Thread-safe: immutable.
 */
public final class RotationWindow {
    /** How long a connect without a {@code loginTimeout} keeps trying after its password is refused, in seconds. */
    static final int DEFAULT_SECONDS = 30;

    /** The first wait, before jitter: half of it to all of it. */
    static final Duration BASE_DELAY = Duration.ofMillis(500);

    /** The longest wait, before jitter. */
    static final Duration MAX_DELAY = Duration.ofSeconds(4);

    /**
     * The least time a try needs after its wait (a read of the password and a connect): a wait that would leave less
     * of the window is not begun, so that the window ends with the server's refusal, not with the deadline passing.
     */
    static final Duration TRY_ALLOWANCE = Duration.ofSeconds(1);

    /** Waits between tries; the engine's is {@link Thread#sleep}, tests advance their clock instead. */
    @FunctionalInterface
    public interface Pause {
        /**
         * @param delay how long to wait
         * @throws InterruptedException when the waiting thread is interrupted
         */
        void pause(Duration delay) throws InterruptedException;
    }

    /** The engine's pause: {@link Thread#sleep(long)}. */
    public static final Pause SLEEP = delay -> Thread.sleep(delay.toMillis());

    private final BackoffStrategy backoff;

    /** A window with the AWS SDK's exponential back-off with half jitter, {@link #BASE_DELAY} to {@link #MAX_DELAY}. */
    RotationWindow() {
        this(BackoffStrategy.exponentialDelayHalfJitter(BASE_DELAY, MAX_DELAY));
    }

    /** @param backoff the delay before each try of an unchanged password */
    RotationWindow(BackoffStrategy backoff) {
        this.backoff = backoff;
    }

    /**
     * @param deadline the connect's deadline
     * @param nanoTime the engine's clock
     * @return the clock time the window ends: the deadline of a connect with a {@code loginTimeout}, else
     *     {@value #DEFAULT_SECONDS} s from now
     */
    static long end(ConnectDeadline deadline, LongSupplier nanoTime) {
        Duration left = deadline.remaining();
        return nanoTime.getAsLong() + (left != null ? left : Duration.ofSeconds(DEFAULT_SECONDS)).toNanos();
    }

    /**
     * @param unchangedTries how many times in a row the store has answered the refused password, from 1
     * @return the wait before the next try with it: exponential from {@link #BASE_DELAY}, at most {@link #MAX_DELAY},
     *     with half jitter
     */
    /**
     * @param windowEnd the clock time the window ends ({@link #end})
     * @param now the clock time now
     * @param delay the wait before the next try
     * @return whether that wait still leaves {@link #TRY_ALLOWANCE} of the window for the try
     */
    static boolean leavesTimeToTry(long windowEnd, long now, Duration delay) {
        return windowEnd - now - delay.toNanos() - TRY_ALLOWANCE.toNanos() >= 0;
    }

    Duration delay(int unchangedTries) {
        // the SDK's strategies number attempts from 1, the first without delay: a retry is attempt 2
        return backoff.computeDelay(unchangedTries + 1);
    }
}
