package io.lava.jdbc.internal.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.request.CallTimeouts;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** Credentials resolved on the engine's credentials thread, bounded by the budget of the AWS call being made. */
class AwsThreadsTest {
    private final AwsThreads threads = new AwsThreads();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        threads.close();
    }

    /** A source that does not answer until the test ends (an STS or metadata endpoint that hangs). */
    private AwsCredentialsProvider hanging() {
        return () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return AwsBasicCredentials.create("AKIDHANGING", "unused");
        };
    }

    @Test
    void aHangingSourceEndsWithTheCallsBudget() {
        AwsCredentialsProvider provider = threads.onCredentialsThread(hanging());
        CallTimeouts timeouts = new CallTimeouts(Duration.ofMillis(200), Duration.ofMillis(200));

        assertThatThrownBy(() -> ConnectRetryStrategy.call(timeouts, provider::resolveCredentials))
                .isInstanceOfSatisfying(NoCredentialsException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo("08001");
                    assertThat(e.getMessage()).contains("took longer than the call's time limit (200 ms",
                            "awsApiCallTimeout", "loginTimeout");
                });
    }

    @Test
    void aSourceThatAnswersIsUsedWithOrWithoutABudget() {
        AwsCredentialsProvider provider = threads.onCredentialsThread(
                () -> AwsBasicCredentials.create("AKIDANSWERS", "unused"));
        CallTimeouts timeouts = new CallTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30));

        assertThat(ConnectRetryStrategy.call(timeouts, provider::resolveCredentials).accessKeyId())
                .isEqualTo("AKIDANSWERS");
        assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("AKIDANSWERS");
    }

    @Test
    void prefetchReturnsAtOnceAndResolvesOnTheCredentialsThread() throws Exception {
        java.util.List<String> threadNames = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch resolved = new CountDownLatch(1);
        AwsCredentialsProvider provider = threads.onCredentialsThread(() -> {
            threadNames.add(Thread.currentThread().getName());
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            resolved.countDown();
            return AwsBasicCredentials.create("AKIDPREFETCHED", "unused");
        });

        threads.prefetch(provider); // the source hangs until released: prefetch must not wait for it
        release.countDown();

        assertThat(resolved.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(threadNames).singleElement().asString().startsWith("lava-pg-aws-credentials-");
    }

    @Test
    void theNextResolutionTakesThePrefetchsOutcomeInsteadOfResolvingAgain() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        AwsCredentialsProvider failing = threads.onCredentialsThread(() -> {
            calls.incrementAndGet();
            throw new NoCredentialsException("08001", "no credentials here", null);
        });

        threads.prefetch(failing);

        assertThatThrownBy(failing::resolveCredentials).isInstanceOf(NoCredentialsException.class)
                .hasMessageContaining("no credentials here");
        assertThat(calls).as("a slow failing source is not asked twice").hasValue(1);
        assertThatThrownBy(failing::resolveCredentials).isInstanceOf(NoCredentialsException.class);
        assertThat(calls).as("later resolutions ask the source again").hasValue(2);

        java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
        AwsCredentialsProvider answering = threads.onCredentialsThread(() -> {
            answered.incrementAndGet();
            return AwsBasicCredentials.create("AKIDPREFETCHED", "unused");
        });
        threads.prefetch(answering);
        assertThat(answering.resolveCredentials().accessKeyId()).isEqualTo("AKIDPREFETCHED");
        assertThat(answered).hasValue(1);
    }
}
