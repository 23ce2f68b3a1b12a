package io.lava.jdbc.internal.aws;

import io.lava.jdbc.internal.Errors;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The threads the engine's AWS work runs on, so that closing the engine ends every one of them and nothing of the
 * driver stays reachable from a thread (application-server redeploys):
 * <ul>
 *   <li>one scheduler shared by every SDK client for its call and attempt timeouts
 *   ({@code ClientOverrideConfiguration.scheduledExecutorService}), instead of a pool of up to five threads per client
 *   created on, and inheriting the class loader of, whichever thread connected first;</li>
 *   <li>one thread that resolves AWS credentials ({@link #onCredentialsThread}): an assume-role or web-identity
 *   provider calls STS, whose XML parser the SDK keeps in a {@code ThreadLocal} of the calling thread, holding the
 *   last answer's stream and with it the driver's class loader; on this thread it ends with the thread.</li>
 * </ul>
 * Threads are daemons, started on first use; the credentials thread ends after 30 s idle. Thread-safe.
 */
final public class AwsThreads implements AutoCloseable {
    private static final long CLOSE_WAIT_SECONDS = 2;

    private final ScheduledThreadPoolExecutor scheduler;
    private final ThreadPoolExecutor credentials;

    public AwsThreads() {
        ClassLoader driver = AwsThreads.class.getClassLoader();
        this.scheduler = new ScheduledThreadPoolExecutor(2, factory("lava-pg-aws-timer-", driver));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.credentials = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                factory("lava-pg-aws-credentials-", driver));
        this.credentials.allowCoreThreadTimeOut(true);
    }

    /**
     * The driver's threads: daemons named {@code <prefix>N} whose context class loader is {@code loader} (the driver's,
     * never the connecting thread's, so an application server's undeployed loader is not kept alive by them).
     *
     * @param prefix the name before the number, e.g. {@code lava-pg-aws-timer-}
     * @param loader their context class loader
     * @return the factory
     */
    public static ThreadFactory factory(String prefix, ClassLoader loader) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, prefix + count.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        };
    }

    /** @return the scheduler every SDK client of the engine times its calls with; never shut down by a client */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * @param provider an SDK credentials provider
     * @return a provider that resolves through {@code provider} on the credentials thread and rethrows what it throws
     *     (the registry's providers throw a classified {@link NoCredentialsException}, {@link CredentialFailures}); its
     *     {@code close()} does nothing (an SDK client closes the provider it is given; the registry closes the real
     *     one)
     */
    public AwsCredentialsProvider onCredentialsThread(AwsCredentialsProvider provider) {
        return new OnCredentialsThread(provider, this, new AtomicReference<>());
    }

    /**
     * Resolves on the credentials thread and waits at most the budget of the AWS call being made
     * ({@link ConnectRetryStrategy#currentBudget()}): the SDK resolves credentials before its {@code apiCallTimeout}
     * starts counting, so a credentials source that hangs (an STS or instance-metadata endpoint that does not answer)
     * would otherwise hold the connect past its deadline. Without a budget it waits for the provider.
     *
     * @throws NoCredentialsException (08001) when the budget runs out first; the resolution goes on on the credentials
     *     thread and its result is kept by the SDK provider's own cache
     */
    private AwsCredentials resolve(OnCredentialsThread on) {
        Duration budget = ConnectRetryStrategy.currentBudget();
        try {
            Future<AwsCredentials> prefetched = on.prefetched().getAndSet(null);
            Future<AwsCredentials> result = prefetched != null ? prefetched
                    : credentials.submit(on.delegate()::resolveCredentials);
            return budget == null ? result.get() : result.get(budget.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new NoCredentialsException(Errors.UNABLE_TO_CONNECT, "resolving AWS credentials took longer than "
                    + "the call's time limit (" + budget.toMillis() + " ms: awsApiCallTimeout, capped by "
                    + "loginTimeout). The credentials source (STS, IAM Identity Center, the container or instance "
                    + "metadata endpoint) did not answer in time: check that endpoint and the network",
                    SdkClientException.create("credentials not resolved in time", e));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw SdkClientException.create("resolving AWS credentials failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SdkClientException.create("interrupted while resolving AWS credentials", e);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("the lava-pg engine was closed", e);
        }
    }

    /**
     * Starts resolving {@code provider}'s credentials on the credentials thread and returns at once, so that the
     * resolution (possibly a round trip to IAM Identity Center, STS or a metadata endpoint) overlaps what the caller
     * does next. The provider's next resolution takes this one's outcome, credentials or failure, instead of resolving
     * again (a source that fails slowly is not waited for twice); later ones resolve as usual, from the SDK providers'
     * own caches.
     *
     * @param provider a provider from {@link #onCredentialsThread}; any other is left alone
     */
    public void prefetch(AwsCredentialsProvider provider) {
        if (provider instanceof OnCredentialsThread on) {
            try {
                on.prefetched().compareAndSet(null, credentials.submit(on.delegate()::resolveCredentials));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed: the call reports it
            }
        }
    }

    /**
     * A provider whose resolution runs on the credentials thread.
     *
     * @param prefetched a resolution {@link #prefetch} started that the next one takes, or {@code null}
     */
    private record OnCredentialsThread(AwsCredentialsProvider delegate, AwsThreads threads,
                                       AtomicReference<Future<AwsCredentials>> prefetched)
            implements AwsCredentialsProvider {
        @Override
        public AwsCredentials resolveCredentials() {
            return threads.resolve(this);
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }

    /** Stops both executors and waits briefly for their threads to end. Idempotent; never throws. */
    @Override
    public void close() {
        for (ExecutorService executor : new ExecutorService[] {scheduler, credentials}) {
            executor.shutdownNow();
        }
        try {
            scheduler.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            credentials.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
