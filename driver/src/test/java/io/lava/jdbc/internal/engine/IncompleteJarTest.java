package io.lava.jdbc.internal.engine;

import io.lava.jdbc.internal.pg.PgDelegate;
import io.lava.jdbc.internal.record.ResolvedConnection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.Errors.Step;
import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.cache.RefreshingCache;
import io.lava.jdbc.internal.request.CallTimeouts;
import io.lava.jdbc.internal.request.ConnectionOptions;
import io.lava.jdbc.internal.request.ConnectionRef;
import io.lava.jdbc.internal.record.LavaType;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A class of the driver or of its libraries that cannot be loaded or linked — a jar with a class missing, or two
 * copies of a library — reaches the caller as an {@link SQLException} (08001) that says so, with the error as its
 * cause, from any step. {@code ErrorShapesIT} proves the same against an {@code -all} jar with a class removed,
 * through the driver, the data source and the command line.
 */
class IncompleteJarTest {
    private static final String MISSING = "io/lava/jdbc/shaded/software/amazon/awssdk/services/ssm/model/Missing";
    private static final String SAYS = "the driver could not load a class it needs (java.lang.NoClassDefFoundError: "
            + MISSING + "): the lava-pg-jdbc jar is incomplete, or mixed with another copy of the driver or of its "
            + "libraries on the class path. Use one lava-pg-jdbc jar: the -all jar alone, or the thin jar with its "
            + "dependencies as Maven or Gradle resolve them";

    /** A source whose load fails as a class missing from the jar makes it fail. */
    private record Key(AtomicLong loads, boolean[] broken) implements RefreshingCache.Loadable<String> {
        @Override
        public String load(CallTimeouts timeouts) {
            loads.incrementAndGet();
            if (broken[0]) {
                throw new NoClassDefFoundError(MISSING);
            }
            return "value";
        }

        @Override
        public String describe() {
            return "test item";
        }
    }

    private static void assertIncompleteJar(SQLException e, String step, Throwable error) {
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getMessage()).isEqualTo("lava-pg realm 'prod', conn_id 'warehouse': " + step + ": " + SAYS);
        assertThat(e.getCause()).isSameAs(error);
    }

    @Test
    void aSourceWhoseLoadThrowsNoClassDefFoundErrorFailsTheStepWithAnSqlException() {
        Key key = new Key(new AtomicLong(), new boolean[] {true});
        RefreshingCache<Key, String> cache = new RefreshingCache<>(Metrics.Kind.PARAMETER, Duration.ofSeconds(60),
                Duration.ZERO, Caches.MAXIMUM_SIZE, System::nanoTime, Runnable::run, new Metrics());
        assertThatThrownBy(() -> Resolver.step("prod", "warehouse", Step.PARAMETER, () -> cache.get(key, CallTimeouts.DEFAULT).value()))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertIncompleteJar(e, "parameter", e.getCause());
                    assertThat(e.getCause()).isInstanceOf(NoClassDefFoundError.class);
                });
    }

    @Test
    void aRefreshThatThrowsNoClassDefFoundErrorFailsTheStepWithAnSqlException() throws SQLException {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        Key key = new Key(new AtomicLong(), new boolean[] {false});
        RefreshingCache<Key, String> cache = new RefreshingCache<>(Metrics.Kind.RECORD, Duration.ofSeconds(60),
                Duration.ZERO, Caches.MAXIMUM_SIZE, now::get, Runnable::run, new Metrics());
        assertThat(Resolver.step("prod", "warehouse", Step.RECORD, () -> cache.get(key, CallTimeouts.DEFAULT).value())).isEqualTo("value");
        key.broken()[0] = true;
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        // the reload's error comes back from Caffeine inside a CompletionException
        assertThatThrownBy(() -> Resolver.step("prod", "warehouse", Step.RECORD, () -> cache.get(key, CallTimeouts.DEFAULT).value()))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertIncompleteJar(e, "record", e.getCause());
                    assertThat(e.getCause()).isInstanceOf(NoClassDefFoundError.class);
                });
    }

    @Test
    void aLinkageErrorInsideAnotherExceptionIsFound() {
        NoClassDefFoundError error = new NoClassDefFoundError(MISSING);
        assertThatThrownBy(() -> Resolver.step("prod", "warehouse", Step.SECRET, () -> {
            throw new IllegalStateException("wrapped", error);
        })).isInstanceOfSatisfying(SQLException.class, e -> assertIncompleteJar(e, "secret", error));
    }

    @Test
    void otherUncheckedExceptionsStayUnexpected() {
        IllegalStateException oops = new IllegalStateException("oops");
        assertThatThrownBy(() -> Resolver.step("prod", "warehouse", Step.RECORD, () -> {
            throw oops;
        })).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("08001");
            assertThat(e.getMessage()).startsWith("lava-pg realm 'prod', conn_id 'warehouse': record: unexpected "
                    + "IllegalStateException");
            assertThat(e.getCause()).isSameAs(oops);
        });
    }

    @Test
    void aLinkageErrorInPgjdbcFailsTheConnectStepWithAnSqlException() {
        NoClassDefFoundError error = new NoClassDefFoundError(MISSING);
        ResolvedConnection resolved = new ResolvedConnection("prod", "warehouse", LavaType.POSTGRES, "h", 5432, "d",
                "etl", "pw", ResolvedConnection.PasswordSource.SSM_PARAMETER, null, null);
        ConnectionOptions options = ConnectionOptions.of(ConnectionRef.parse("jdbc:lava-pg:prod/warehouse", null,
                k -> null), k -> null);
        org.postgresql.Driver throwing = new org.postgresql.Driver() {
            @Override
            public Connection connect(String url, Properties info) {
                throw error;
            }
        };
        assertThatThrownBy(() -> PgDelegate.connect(throwing, options, resolved, k -> null))
                .isInstanceOfSatisfying(SQLException.class, e -> assertIncompleteJar(e, "connect", error));
        // with a loginTimeout, pgjdbc's connect thread hands the error back inside an SQLException
        org.postgresql.Driver wrapping = new org.postgresql.Driver() {
            @Override
            public Connection connect(String url, Properties info) throws SQLException {
                throw new SQLException("Something unusual has occurred", "99999", error);
            }
        };
        assertThatThrownBy(() -> PgDelegate.connect(wrapping, options, resolved, k -> null))
                .isInstanceOfSatisfying(SQLException.class, e -> assertIncompleteJar(e, "connect", error));
    }
}
