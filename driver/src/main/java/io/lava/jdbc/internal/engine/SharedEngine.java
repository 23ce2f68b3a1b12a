package io.lava.jdbc.internal.engine;

import io.lava.jdbc.internal.Metrics;

/**
 * The engine of this class loader, shared by every {@code LavaPgDriver} instance, {@code LavaPgDataSource} and the
 * command line: built by the first connect (its counters registered as the driver's MBean, {@link Metrics#registerSoon}:
 * at once when the JVM has a platform MBean server, else a few seconds later), closed when the registered driver is
 * deregistered; a connect after that builds a new one. Internal: the seam through which the driver, the CLI,
 * the tests and the benchmarks reach the engine; not an API. Thread-safe.
 */
final public class SharedEngine {
    private static final Object LOCK = new Object();
    private static volatile Engine engine;

    private SharedEngine() {
    }

    /** @return the class loader's engine, built on first use */
    public static Engine get() {
        Engine current = engine;
        if (current != null) {
            return current;
        }
        synchronized (LOCK) {
            if (engine == null) {
                Engine created = Engine.create(System::getenv);
                created.metrics().registerSoon(Metrics.REGISTRATION_DELAY);
                engine = created;
            }
            return engine;
        }
    }

    /** Closes the class loader's engine, if one was built; the next {@link #get()} builds a new one. */
    public static void close() {
        Engine closing;
        synchronized (LOCK) {
            closing = engine;
            engine = null;
        }
        if (closing != null) {
            closing.close();
        }
    }
}
