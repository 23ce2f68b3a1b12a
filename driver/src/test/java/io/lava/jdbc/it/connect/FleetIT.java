package io.lava.jdbc.it.connect;

import io.lava.jdbc.testing.Slow;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.it.packaging.ShadedJarIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A fleet starting at once: {@value #FLEET} independent drivers (each the {@code -all} jar in a class loader of its
 * own, so each has its own engine, caches and AWS clients, as separate JVMs would) connect through one conn_id at the
 * same moment, while SSM {@code GetParameter} is held to {@value #RATE} requests a second (burst {@value #BURST}) by a
 * token bucket that answers {@code ThrottlingException} when empty — a scale model of a large fleet against SSM's
 * default quota (800 JVMs against 40 requests a second). With throttled calls retried until the call's deadline (default {@code awsApiCallTimeout}), every
 * driver connects. Ten class loaders rather than twenty JVMs, because twenty JVMs (or twenty copies of the SDK) do not
 * load within a minute on a 2-core machine;
 * each driver first connects once through another realm (loading its classes and building its clients) so that the
 * fleet's start meets the rate limit with a cold cache for the conn_id. The benchmark ({@code examples/benchmarks},
 * "fleet") runs the model with cold JVMs.
 */
@Slow
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class FleetIT {
    private static final int FLEET = 10;
    private static final double RATE = 1;
    private static final int BURST = 1;
    private static final String PASSWORD = "fleet-Pa55";

    @Test
    void aFleetStartingAtOnceConnectsWhileSsmThrottles(LocalPostgres pg, LocalAws aws) throws Exception {
        pg.createRole("fleet_user", PASSWORD);
        pg.createDatabase("fleet_db", "fleet_user");
        LavaRealm.create(aws, pg, "fleet").postgres("db", "fleet_db", "fleet_user", "/lava/fleet/pw",
                PASSWORD);
        LavaRealm.create(aws, pg, "fleetwarm").postgres("db", "fleet_db", "fleet_user", "/lava/fleetwarm/pw",
                PASSWORD);

        List<URLClassLoader> loaders = new ArrayList<>();
        for (int i = 0; i < FLEET; i++) {
            loaders.add(new URLClassLoader("fleet-" + i, new URL[] {ShadedJarIT.allJar().toUri().toURL()},
                    ClassLoader.getPlatformClassLoader()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(FLEET);
        List<Future<String>> outcomes = new ArrayList<>();
        long began;
        try {
            // each driver loads its classes and builds its AWS clients through another realm first, so that the
            // start below measures the drivers against the rate limit, not copies of the SDK loading on 2 cores
            List<Future<String>> warmUps = new ArrayList<>();
            for (URLClassLoader loader : loaders) {
                warmUps.add(pool.submit(() -> connect(loader, aws, "fleetwarm")));
            }
            for (Future<String> warmUp : warmUps) {
                assertThat(warmUp.get(120, TimeUnit.SECONDS)).as("warm-up connect").isNull();
            }
        } catch (Exception | AssertionError e) {
            close(pool, loaders);
            throw e;
        }
        aws.resetCalls();
        int throttledBefore = aws.faults().throttled();
        CountDownLatch start = new CountDownLatch(1);
        try (AutoCloseable limit = aws.rateLimit("AmazonSSM.GetParameter", RATE, BURST)) {
            for (URLClassLoader loader : loaders) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    return connect(loader, aws, "fleet");
                }));
            }
            began = System.nanoTime();
            start.countDown();
            List<String> failures = new ArrayList<>();
            for (Future<String> outcome : outcomes) {
                String failure = outcome.get(120, TimeUnit.SECONDS);
                if (failure != null) {
                    failures.add(failure);
                }
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
            int calls = aws.calls("AmazonSSM.GetParameter");
            int throttled = aws.faults().throttled() - throttledBefore;
            System.out.printf("fleet: %d drivers, GetParameter held to %.1f/s (burst %d): %d connected in %d ms; "
                    + "%d GetParameter calls, %d throttled%n", FLEET, RATE, BURST, FLEET - failures.size(), millis,
                    calls, throttled);
            assertThat(failures).as("failed connects").isEmpty();
            assertThat(throttled).as("throttled GetParameter calls (the limit was reached)").isPositive();
            assertThat(calls - throttled).as("GetParameter calls let through: one per driver").isEqualTo(FLEET);
        } finally {
            close(pool, loaders);
        }
    }

    private static void close(ExecutorService pool, List<URLClassLoader> loaders) throws Exception {
        pool.shutdownNow();
        for (URLClassLoader loader : loaders) {
            deregister(loader);
            loader.close();
        }
    }

    /** @return {@code null} when the driver of {@code loader} connected and ran a query, else the failure */
    private static String connect(ClassLoader loader, LocalAws aws, String realm) {
        try {
            Driver driver = (Driver) Class.forName("io.lava.jdbc.LavaPgDriver", true, loader)
                    .getDeclaredConstructor().newInstance();
            Properties p = LavaRealm.awsProperties(aws);
            try (Connection c = driver.connect("jdbc:lava-pg:" + realm + "/db", p)) {
                return c.isValid(5) ? null : "connection not valid";
            }
        } catch (SQLException e) {
            return e.getSQLState() + ": " + e.getMessage();
        } catch (ReflectiveOperationException e) {
            return e.toString();
        }
    }

    /** Deregisters the loader's driver through its own class (which ends its engine and threads). */
    private static void deregister(ClassLoader loader) {
        try {
            Class.forName("io.lava.jdbc.LavaPgDriver", false, loader).getMethod("deregister").invoke(null);
        } catch (ReflectiveOperationException e) {
            // the class never loaded, or is already deregistered
        }
    }
}
