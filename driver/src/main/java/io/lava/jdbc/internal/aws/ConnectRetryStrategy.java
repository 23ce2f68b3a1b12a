package io.lava.jdbc.internal.aws;

import io.lava.jdbc.internal.request.CallTimeouts;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryUtils;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RecordSuccessResponse;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

/**
 * The retry policy of every AWS client of the engine: two strategies built by the SDK
 * ({@link AwsRetryStrategy#standardRetryStrategy()}, with the SDK's and AWS's retryable errors and throttling
 * classification), chosen per failure.
 *
 * <ul>
 *   <li><b>Throttling</b> ({@link RetryUtils#isThrottlingException}: HTTP 429, {@code ThrottlingException},
 *   {@code RequestLimitExceeded}, {@code ProvisionedThroughputExceededException}, ...): retried with jittered
 *   exponential back-off ({@value #THROTTLING_BASE_MILLIS} ms doubling up to {@value #THROTTLING_MAX_MILLIS} ms, full
 *   jitter), with no attempt limit and no retry quota ({@code circuitBreakerEnabled(false)}: the standard quota of 500
 *   tokens would stop a fleet's retries), until the call's deadline. A fleet that starts at once is thereby spread over
 *   the service's rate instead of failing after three attempts.</li>
 *   <li><b>Other retryable errors</b> (HTTP 5xx, connection reset, attempt timeout, malformed answer):
 *   {@value #TRANSIENT_ATTEMPTS} attempts in all with the SDK's standard back-off, so that a persistent outage fails
 *   within seconds (and a cached value is served meanwhile, see {@code RefreshingCache}). Throttled attempts do not
 *   count towards these.</li>
 *   <li><b>Non-retryable errors</b> (access denied, validation, not found): no retry.</li>
 * </ul>
 *
 * <p>The deadline: a call made through {@link #call} carries its {@link CallTimeouts#apiCall()}; a retry whose
 * back-off would end at or after it is not made, and the SDK throws the last attempt's failure, with its number of
 * attempts ({@link SdkException#numAttempts()}). Without it the SDK's {@code apiCallTimeout} ends the call. Time comes
 * from the injected clock. Thread-safe.
 */
final public class ConnectRetryStrategy implements RetryStrategy {
    /** Attempts in all for a failure other than throttling. */
    public static final int TRANSIENT_ATTEMPTS = 3;
    /** Back-off before the first retry of a throttled call, at most (full jitter). */
    public static final long THROTTLING_BASE_MILLIS = 1000;
    /** Longest back-off between throttled attempts. */
    public static final long THROTTLING_MAX_MILLIS = 10_000;

    /** The call the current thread is making through {@link #call}. */
    private static final ThreadLocal<CallState> CALL = new ThreadLocal<>();

    /**
     * One call's time allowed and its throttled attempts so far (the SDK runs a synchronous call's retries on the
     * calling thread).
     */
    private static final class CallState {
        final Duration budget;
        SdkException lastThrottled;
        int throttledAttempts;

        CallState(Duration budget) {
            this.budget = budget;
        }
    }

    private final RetryStrategy throttling;
    private final RetryStrategy transientErrors;
    private final LongSupplier nanoTime;

    /** The production policy over {@link System#nanoTime()}. */
    public ConnectRetryStrategy() {
        this(System::nanoTime, BackoffStrategy.exponentialDelay(Duration.ofMillis(THROTTLING_BASE_MILLIS),
                Duration.ofMillis(THROTTLING_MAX_MILLIS)));
    }

    /**
     * @param nanoTime the clock deadlines are measured with
     * @param throttlingBackoff the back-off between throttled attempts
     */
    public ConnectRetryStrategy(LongSupplier nanoTime, BackoffStrategy throttlingBackoff) {
        this.nanoTime = nanoTime;
        this.throttling = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(Integer.MAX_VALUE)
                .circuitBreakerEnabled(false)
                .throttlingBackoffStrategy(throttlingBackoff)
                .build();
        this.transientErrors = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(TRANSIENT_ATTEMPTS)
                .circuitBreakerEnabled(false)
                .build();
    }

    /**
     * Makes an SDK call on this thread with its deadline known to the retry policy: {@code timeouts.apiCall()} from
     * now. When the SDK's {@code apiCallTimeout} ends a call whose earlier attempts were throttled (the last attempt
     * outlived the deadline), the last throttling failure is thrown instead, with the number of attempts and the
     * timeout as a suppressed exception: the call failed because it was throttled, not because AWS did not answer.
     *
     * @param timeouts the call's limits (also set on the request, where the SDK enforces them)
     * @param call the SDK call
     * @return what the call returns
     * @throws SdkException what the SDK throws, or the last throttling failure as described
     */
    public static <T> T call(CallTimeouts timeouts, Supplier<T> call) {
        CallState previous = CALL.get();
        CallState state = new CallState(timeouts.apiCall());
        CALL.set(state);
        try {
            return call.get();
        } catch (ApiCallTimeoutException timeout) {
            if (state.lastThrottled == null) {
                throw timeout;
            }
            SdkException throttled = state.lastThrottled.toBuilder()
                    .numAttempts(state.throttledAttempts + 1).build();
            throttled.addSuppressed(timeout);
            throw throttled;
        } finally {
            if (previous == null) {
                CALL.remove();
            } else {
                CALL.set(previous);
            }
        }
    }

    /**
     * @return the time allowed for the call this thread is making through {@link #call} (its
     *     {@code awsApiCallTimeout}, already capped by the connect's deadline), or {@code null} outside such a call
     */
    public static Duration currentBudget() {
        CallState state = CALL.get();
        return state == null ? null : state.budget;
    }

    /** @return whether the SDK counts {@code failure} as throttling */
    public static boolean throttled(Throwable failure) {
        return failure instanceof SdkException e && RetryUtils.isThrottlingException(e);
    }

    /**
     * A retry token holding one token per delegate and the call's deadline.
     *
     * @param throttlingToken the throttling strategy's token
     * @param transientToken the other strategy's token
     * @param deadlineNanos clock time after which no retry starts; {@link Long#MAX_VALUE} for none
     */
    record Token(RetryToken throttlingToken, RetryToken transientToken, long deadlineNanos) implements RetryToken {
    }

    @Override
    public AcquireInitialTokenResponse acquireInitialToken(AcquireInitialTokenRequest request) {
        CallState state = CALL.get();
        Duration budget = state == null ? null : state.budget;
        Token token = new Token(throttling.acquireInitialToken(request).token(),
                transientErrors.acquireInitialToken(request).token(),
                budget == null ? Long.MAX_VALUE : nanoTime.getAsLong() + budget.toNanos());
        return AcquireInitialTokenResponse.create(token, Duration.ZERO);
    }

    /**
     * Acquires the initial token of a call whose deadline is {@code budget} from now (for tests).
     *
     * @param request the SDK's request
     * @param budget time left for the call
     * @return the response
     */
    public AcquireInitialTokenResponse acquireInitialToken(AcquireInitialTokenRequest request, Duration budget) {
        Token token = new Token(throttling.acquireInitialToken(request).token(),
                transientErrors.acquireInitialToken(request).token(), nanoTime.getAsLong() + budget.toNanos());
        return AcquireInitialTokenResponse.create(token, Duration.ZERO);
    }

    @Override
    public RefreshRetryTokenResponse refreshRetryToken(RefreshRetryTokenRequest request) {
        Token token = (Token) request.token();
        boolean throttled = throttled(request.failure());
        CallState state = CALL.get();
        if (state != null) {
            state.lastThrottled = throttled ? (SdkException) request.failure() : null;
            state.throttledAttempts += throttled ? 1 : 0;
        }
        RetryStrategy delegate = throttled ? throttling : transientErrors;
        RetryToken own = throttled ? token.throttlingToken() : token.transientToken();
        RefreshRetryTokenResponse response;
        try {
            response = delegate.refreshRetryToken(request.toBuilder().token(own).build());
        } catch (TokenAcquisitionFailedException e) {
            throw new TokenAcquisitionFailedException(e.getMessage(), token, request.failure());
        }
        Token next = throttled ? new Token(response.token(), token.transientToken(), token.deadlineNanos())
                : new Token(token.throttlingToken(), response.token(), token.deadlineNanos());
        if (token.deadlineNanos() != Long.MAX_VALUE
                && nanoTime.getAsLong() + response.delay().toNanos() - token.deadlineNanos() >= 0) {
            throw new TokenAcquisitionFailedException("not retried: the call's deadline comes before the back-off "
                    + "of " + response.delay().toMillis() + " ms ends", next, request.failure());
        }
        return RefreshRetryTokenResponse.create(next, response.delay());
    }

    @Override
    public RecordSuccessResponse recordSuccess(RecordSuccessRequest request) {
        Token token = (Token) request.token();
        Token done = new Token(throttling.recordSuccess(RecordSuccessRequest.create(token.throttlingToken())).token(),
                transientErrors.recordSuccess(RecordSuccessRequest.create(token.transientToken())).token(),
                token.deadlineNanos());
        return RecordSuccessResponse.create(done);
    }

    /** @return the throttling strategy's limit (none): the most attempts a call can make */
    @Override
    public int maxAttempts() {
        return throttling.maxAttempts();
    }

    /** @return false: both delegates already carry the SDK's and AWS's retry conditions */
    @Override
    public boolean useClientDefaults() {
        return false;
    }

    /** @throws UnsupportedOperationException always: this policy is built whole, not configured further */
    @Override
    public Builder<?, ?> toBuilder() {
        throw new UnsupportedOperationException("the lava-pg retry policy is not configurable");
    }
}
