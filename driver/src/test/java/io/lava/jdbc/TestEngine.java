package io.lava.jdbc;

import io.lava.jdbc.internal.engine.PreparedConnection;
import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.policy.Policy;
import io.lava.jdbc.internal.policy.PolicyFile;
import io.lava.jdbc.internal.engine.Caches;
import io.lava.jdbc.internal.engine.Engine;
import io.lava.jdbc.internal.aws.AwsClientRegistry;
import io.lava.jdbc.internal.sources.AwsSources;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An engine of a test's own over the real AWS sources, on a ticker the test advances, so that TTLs, refresh-ahead and
 * staleness are stepped through, never waited for. Background refreshes run at once on the calling thread, or, with
 * {@link #queuingRefreshes()}, wait until the test runs them ({@link #runRefreshes()}; a connect that must wait for a
 * refresh itself — an entry past its TTL — would then wait for ever, so use that only before the TTL).
 */
public final class TestEngine implements AutoCloseable {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Runnable> refreshes = new ArrayList<>();
    private final List<Duration> pauses = new ArrayList<>();
    private volatile Consumer<Duration> onPause = delay -> { };
    private final Metrics metrics = new Metrics();
    private final Engine engine;
    private final LavaPgDriver driver;
    private final AwsClientRegistry registry;

    /** An engine whose background refreshes run at once. */
    public TestEngine() {
        this(false);
    }

    private TestEngine(boolean queue) {
        this(queue, Policy.NONE);
    }

    private TestEngine(boolean queue, Policy policy) {
        this.registry = new AwsClientRegistry(metrics);
        this.engine = new Engine(key -> null, now::get, queue ? this::queue : Runnable::run, metrics,
                new AwsSources(registry), policy, this::pause);
        this.driver = new LavaPgDriver(engine);
    }

    /** @return an engine under the operator's policy in {@code file}, read as the driver reads it */
    public static TestEngine underPolicy(Path file) {
        return new TestEngine(false, PolicyFile.read(file));
    }

    /** @return an engine whose background work (refreshes, Caffeine's maintenance) waits for {@link #runRefreshes()} */
    public static TestEngine queuingRefreshes() {
        return new TestEngine(true);
    }

    /**
     * The engine's waits between tries of a refused password: the clock moves on by the delay at once, then the
     * test's action for it runs ({@link #onPause}).
     */
    private void pause(Duration delay) {
        now.addAndGet(delay.toNanos());
        synchronized (pauses) {
            pauses.add(delay);
        }
        onPause.accept(delay);
    }

    /**
     * @param action runs at each wait of the engine between tries of a refused password, after the clock moved on by
     *     the delay: e.g. the next step of a rotation
     */
    public void onPause(Consumer<Duration> action) {
        this.onPause = action;
    }

    /** @return the waits between tries of a refused password so far, in order */
    public List<Duration> pauses() {
        synchronized (pauses) {
            return List.copyOf(pauses);
        }
    }

    private void queue(Runnable refresh) {
        synchronized (refreshes) {
            refreshes.add(refresh);
        }
    }

    /** Moves the engine's clock forward. */
    public void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    /**
     * Runs the background work queued so far (refreshes, and Caffeine's maintenance), in order, on this thread.
     *
     * @return how many tasks ran
     */
    public int runRefreshes() {
        int ran = 0;
        while (true) {
            Runnable next;
            synchronized (refreshes) {
                if (refreshes.isEmpty()) {
                    return ran;
                }
                next = refreshes.remove(0);
            }
            next.run();
            ran++;
        }
    }

    /** @return the engine's counters (what the MBean would show) */
    public Metrics metrics() {
        return metrics;
    }

    public Engine engine() {
        return engine;
    }

    /**
     * @return what this engine holds that a URL can make grow: (TTL, maxStale) pairs with a cache (over every kind),
     *     scopes with AWS clients, profiles with a credentials provider
     */
    public long[] held() {
        try {
            var field = Engine.class.getDeclaredField("caches");
            field.setAccessible(true);
            long[] aws = registry.sizes();
            return new long[] {((Caches) field.get(engine)).settingsInUse(), aws[0], aws[1]};
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Connects through a driver bound to this engine, as {@code DriverManager.getConnection} would. */
    public Connection connect(String url, Properties info) throws SQLException {
        return driver.connect(url, info);
    }

    @Override
    public void close() {
        engine.close();
    }

    /**
     * The bridge for tests outside this package to the driver's package-private seams.
     *
     * @return a driver that connects through {@code engine} instead of the class loader's shared one
     */
    public static LavaPgDriver driverOn(Engine engine) {
        return new LavaPgDriver(engine);
    }

    /** @return what {@code driver} resolves the URL and properties to, without connecting */
    public static PreparedConnection resolve(LavaPgDriver driver, String url, Properties info) throws SQLException {
        return driver.resolve(url, info);
    }
}
