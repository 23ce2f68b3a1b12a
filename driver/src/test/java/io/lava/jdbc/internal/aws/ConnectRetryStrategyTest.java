package io.lava.jdbc.internal.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

/**
 * The retry policy as the SDK drives it (acquire, refresh per failure, record success), on a clock the test advances
 * by each back-off: throttling is retried until the deadline, other retryable failures three attempts, the rest never.
 */
class ConnectRetryStrategyTest {
    private static final Duration STEP = Duration.ofSeconds(1);

    private final AtomicLong clock = new AtomicLong();
    private final ConnectRetryStrategy strategy = new ConnectRetryStrategy(clock::get,
            BackoffStrategy.fixedDelayWithoutJitter(STEP));

    private static AwsServiceException error(int status, String code) {
        return AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("m").build()).build();
    }

    private RetryToken start(Duration budget) {
        return strategy.acquireInitialToken(AcquireInitialTokenRequest.create("test"), budget).token();
    }

    private RefreshRetryTokenResponse retry(RetryToken token, Throwable failure) {
        RefreshRetryTokenResponse response = strategy.refreshRetryToken(RefreshRetryTokenRequest.builder()
                .token(token).failure(failure).build());
        clock.addAndGet(response.delay().toNanos());
        return response;
    }

    /** @return how many attempts a call makes when every attempt fails with {@code failure} */
    private int attemptsUntilGivenUp(Duration budget, Throwable failure) {
        RetryToken token = start(budget);
        int attempts = 1;
        while (true) {
            try {
                token = retry(token, failure).token();
                attempts++;
            } catch (TokenAcquisitionFailedException e) {
                assertThat(e.getCause()).isSameAs(failure);
                return attempts;
            }
            assertThat(attempts).as("attempts").isLessThan(10_000);
        }
    }

    @Test
    void throttlingIsRetriedUntilTheDeadlineNotThreeTimes() {
        // 1 s back-off, 30 s budget: attempts at 0, 1, ..., 29 s; the back-off after the 30th would end at the deadline
        assertThat(attemptsUntilGivenUp(Duration.ofSeconds(30), error(400, "ThrottlingException"))).isEqualTo(30);
        assertThat(attemptsUntilGivenUp(Duration.ofMillis(5_500), error(429, "TooManyRequestsException")))
                .isEqualTo(6);
        assertThat(attemptsUntilGivenUp(Duration.ofSeconds(10), error(400, "ProvisionedThroughputExceededException")))
                .isEqualTo(10);
    }

    @Test
    void aCallTimedOutAfterThrottledAttemptsFailsAsThrottled() {
        io.lava.jdbc.internal.request.CallTimeouts timeouts = new io.lava.jdbc.internal.request.CallTimeouts(
                Duration.ofSeconds(3), Duration.ofSeconds(1));
        AwsServiceException throttled = error(400, "ThrottlingException");
        software.amazon.awssdk.core.exception.ApiCallTimeoutException timeout =
                software.amazon.awssdk.core.exception.ApiCallTimeoutException.create(3000);
        // as the SDK does: two throttled attempts, then the third outlives the call's deadline
        assertThatThrownBy(() -> ConnectRetryStrategy.call(timeouts, () -> {
            RetryToken token = strategy.acquireInitialToken(AcquireInitialTokenRequest.create("test")).token();
            token = retry(token, throttled).token();
            retry(token, throttled);
            throw timeout;
        })).isInstanceOfSatisfying(AwsServiceException.class, e -> {
            assertThat(e.isThrottlingException()).isTrue();
            assertThat(e.numAttempts()).isEqualTo(3);
            assertThat(e.getSuppressed()).containsExactly(timeout);
        });
        // a timeout after a failure that was not throttling stays a timeout
        assertThatThrownBy(() -> ConnectRetryStrategy.call(timeouts, () -> {
            RetryToken token = strategy.acquireInitialToken(AcquireInitialTokenRequest.create("test")).token();
            token = retry(token, throttled).token();
            retry(token, error(500, "InternalServerError"));
            throw timeout;
        })).isSameAs(timeout);
    }

    @Test
    void otherRetryableFailuresGetThreeAttempts() {
        assertThat(attemptsUntilGivenUp(Duration.ofSeconds(600), error(500, "InternalServerError"))).isEqualTo(3);
        assertThat(attemptsUntilGivenUp(Duration.ofSeconds(600), error(503, "ServiceUnavailable"))).isEqualTo(3);
        assertThat(attemptsUntilGivenUp(Duration.ofSeconds(600),
                SdkClientException.create("reset", new java.net.SocketException("Connection reset")))).isEqualTo(3);
    }

    @Test
    void nonRetryableFailuresAreNotRetried() {
        assertThat(attemptsUntilGivenUp(Duration.ofSeconds(600), error(400, "AccessDeniedException"))).isEqualTo(1);
        assertThat(attemptsUntilGivenUp(Duration.ofSeconds(600), error(400, "ValidationException"))).isEqualTo(1);
        assertThat(attemptsUntilGivenUp(Duration.ofSeconds(600), error(400, "ParameterNotFound"))).isEqualTo(1);
    }

    @Test
    void throttledAttemptsDoNotUseUpTheAttemptsOfOtherFailures() {
        RetryToken token = start(Duration.ofSeconds(600));
        AwsServiceException throttled = error(400, "ThrottlingException");
        AwsServiceException failed = error(500, "InternalServerError");
        for (int i = 0; i < 20; i++) {
            token = retry(token, throttled).token();
        }
        token = retry(token, failed).token();
        token = retry(token, throttled).token();
        token = retry(token, failed).token();
        RetryToken last = token;
        assertThatThrownBy(() -> retry(last, failed)).isInstanceOf(TokenAcquisitionFailedException.class);
        // throttling still goes on after the other failures' attempts are used up
        assertThat(retry(last, throttled).token()).isNotNull();
    }

    @Test
    void aThrottledFleetIsNeverStoppedByARetryQuota() {
        // the standard strategy's quota (500 tokens, 5 per throttled retry) would stop the 101st retry of a scope
        for (int call = 0; call < 200; call++) {
            RetryToken token = start(Duration.ofSeconds(600));
            token = retry(token, error(400, "ThrottlingException")).token();
            token = retry(token, error(500, "InternalServerError")).token();
        }
        assertThat(attemptsUntilGivenUp(Duration.ofSeconds(3), error(400, "ThrottlingException"))).isEqualTo(3);
    }

    @Test
    void successAfterRetriesIsRecorded() {
        RetryToken token = retry(start(Duration.ofSeconds(60)), error(400, "ThrottlingException")).token();
        assertThat(strategy.recordSuccess(RecordSuccessRequest.create(token)).token()).isNotNull();
    }

    @Test
    void withoutADeadlineTheSdkTimeoutEndsThrottling() {
        RetryToken token = strategy.acquireInitialToken(AcquireInitialTokenRequest.create("test")).token();
        for (int i = 0; i < 500; i++) {
            token = retry(token, error(400, "ThrottlingException")).token();
        }
        assertThat(strategy.useClientDefaults()).isFalse();
    }
}
