package io.lava.jdbc.testing;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * DynamoDB Local running in this JVM.
 *
 * <p>DynamoDB Local's {@code stop()} leaves a background thread (its stream shard-rollover
 * scheduler, a non-daemon pool thread) sleeping for minutes, which keeps a plain {@code main}
 * program alive after everything was closed. So the server is created and started from a thread
 * of a dedicated {@link ThreadGroup}: every thread it creates joins that group, and {@link #stop()}
 * interrupts what is left of it.
 */
final class DynamoDbLocalServer {

    private static final long STOP_WAIT_MILLIS = TimeUnit.SECONDS.toMillis(5);

    private final DynamoDBProxyServer server;
    private final ThreadGroup threads;

    private DynamoDbLocalServer(DynamoDBProxyServer server, ThreadGroup threads) {
        this.server = server;
        this.threads = threads;
    }

    /**
     * Starts an in-memory DynamoDB Local on {@code port}. {@code -sharedDb} makes all access keys and
     * regions share one database, so clients need not use the harness's credentials.
     */
    static DynamoDbLocalServer start(int port) {
        ThreadGroup threads = new ThreadGroup("dynamodb-local-" + port);
        AtomicReference<DynamoDBProxyServer> started = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread starter = new Thread(threads, () -> {
            try {
                DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(new String[] {
                        "-inMemory", "-sharedDb", "-disableTelemetry", "-port", String.valueOf(port)});
                server.start();
                started.set(server);
            } catch (Exception e) {
                failure.set(e);
            }
        }, "dynamodb-local-start-" + port);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting DynamoDB Local", e);
        }
        if (started.get() == null) {
            Exception cause = failure.get();
            throw new IllegalStateException("DynamoDB Local did not start on port " + port + ": " + cause, cause);
        }
        return new DynamoDbLocalServer(started.get(), threads);
    }

    /** Stops the server and ends its background threads; best effort, never throws. */
    void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            // Nothing useful to do at shutdown; the threads are ended below regardless.
        }
        long deadline = System.currentTimeMillis() + STOP_WAIT_MILLIS;
        while (threads.activeCount() > 0 && System.currentTimeMillis() < deadline) {
            threads.interrupt();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
