package io.lava.jdbc.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A fixed pool of caller threads a test can watch, to prove single flight without sleeping: submit one caller, let
 * its load block, submit the others, then {@link #awaitAllParked()} until every thread waits (on the blocked load or
 * on the cache's in-flight future) before releasing the load.
 */
public final class ParkedCallers implements AutoCloseable {
    private static final long WAIT_SECONDS = 10;

    private final int size;
    private final List<Thread> threads = new ArrayList<>();
    private final ExecutorService pool;

    /** @param size how many caller threads */
    public ParkedCallers(int size) {
        this.size = size;
        this.pool = Executors.newFixedThreadPool(size, task -> {
            Thread t = new Thread(task, "parked-caller");
            synchronized (threads) {
                threads.add(t);
            }
            return t;
        });
    }

    /** Runs {@code call} on a caller thread. */
    public <T> Future<T> submit(Callable<T> call) {
        return pool.submit(call);
    }

    /**
     * Returns once all {@code size} threads exist and are parked ({@code WAITING}, {@code TIMED_WAITING} or
     * {@code BLOCKED}).
     *
     * @throws AssertionError when that does not happen within 10 s
     */
    public void awaitAllParked() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            synchronized (threads) {
                if (threads.size() == size && threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                        || t.getState() == Thread.State.TIMED_WAITING || t.getState() == Thread.State.BLOCKED)) {
                    return;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the " + size + " callers did not all park within " + WAIT_SECONDS + " s");
    }

    /** Interrupts and ends every caller thread. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
