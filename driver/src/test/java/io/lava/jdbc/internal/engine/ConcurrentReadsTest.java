package io.lava.jdbc.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.ConnectionOptions;
import io.lava.jdbc.internal.request.ConnectionRef;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A record that names both an SSM parameter and a secret: the secret is read while the parameter is, yet each failure
 * still names its own step, the parameter's first (lava's order), and the steps are listed in that order.
 */
class ConcurrentReadsTest {
    private static final String PARAMETER = "/lava/prod/etl";
    private static final String SECRET = "/lava/prod/etl-secret";

    private final FakeSources sources = new FakeSources();
    private final Metrics metrics = new Metrics();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicInteger handedOver = new AtomicInteger();
    private final Resolver resolver = new Resolver(new Caches(System::nanoTime, Runnable::run, metrics), sources,
            System::nanoTime, task -> {
                handedOver.incrementAndGet();
                pool.execute(task);
            });

    @BeforeEach
    void records() {
        Map<String, Object> r = new HashMap<>();
        r.put("type", "postgres");
        r.put("enabled", true);
        r.put("host", "db.internal");
        r.put("port", new BigDecimal(5432));
        r.put("database", "dw");
        r.put("user", "etl");
        r.put("password", PARAMETER);
        r.put("secret_id", SECRET);
        sources.records.put("wh", r);
        sources.parameters.put(PARAMETER, "pw-ssm");
        sources.secrets.put(SECRET, "{\"host\":\"from-secret\",\"dbname\":\"from-secret\"}");
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
    }

    private Resolution resolve() throws SQLException {
        ConnectionRef ref = ConnectionRef.parse("jdbc:lava-pg:prod/wh", new Properties(), k -> null);
        return resolver.resolve(ref, ConnectionOptions.of(ref, k -> null));
    }

    @Test
    void theSecretIsReadWhileTheParameterIsBeingRead() throws Exception {
        CountDownLatch secretAsked = new CountDownLatch(1);
        sources.onRead.put(SECRET, secretAsked::countDown);
        sources.onRead.put(PARAMETER, () -> {
            try {
                // one after the other, the secret would be asked only after this read returns
                if (!secretAsked.await(10, TimeUnit.SECONDS)) {
                    throw new SourceException(Errors.UNABLE_TO_CONNECT, "the secret was not read meanwhile");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        Resolution r = resolve();

        assertThat(r.connection().password()).isEqualTo("pw-ssm");
        assertThat(r.connection().host()).isEqualTo("db.internal"); // the record wins over the secret
        assertThat(r.steps()).extracting(Resolution.StepTiming::step)
                .containsExactly(Errors.Step.RECORD, Errors.Step.PARAMETER, Errors.Step.SECRET);
        assertThat(sources.parameterReads).hasValue(1);
        assertThat(sources.secretReads).hasValue(1);
    }

    @Test
    void whenBothFailTheParametersFailureIsReported() {
        sources.failures.put(PARAMETER, new SourceException(Errors.INVALID_AUTHORIZATION, "parameter denied"));
        sources.failures.put(SECRET, new SourceException(Errors.UNABLE_TO_CONNECT, "secret missing"));

        assertThatThrownBy(this::resolve).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("28000");
            assertThat(e.getMessage()).contains("parameter denied").doesNotContain("secret missing");
        });
    }

    @Test
    void aFailedSecretReadNamesTheSecretStepWithItsOwnSqlState() {
        sources.failures.put(SECRET, new SourceException(Errors.UNABLE_TO_CONNECT, "secret missing"));

        assertThatThrownBy(this::resolve).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("08001");
            assertThat(e.getMessage()).contains("secret missing", "secret");
        });
    }

    @Test
    void whenTheEnginesThreadsAreGoneBothAreReadOneAfterTheOther() throws Exception {
        pool.shutdownNow();

        Resolution r = resolve();

        assertThat(r.connection().password()).isEqualTo("pw-ssm");
        assertThat(r.steps()).extracting(Resolution.StepTiming::step)
                .containsExactly(Errors.Step.RECORD, Errors.Step.PARAMETER, Errors.Step.SECRET);
    }

    @Test
    void aSecretStillCachedIsServedOnTheCallersThreadWithoutAHandOver() throws Exception {
        resolve();
        assertThat(handedOver).hasValue(1);

        Resolution again = resolve();

        assertThat(handedOver).as("no thread hop for a cached secret").hasValue(1);
        assertThat(again.steps()).extracting(Resolution.StepTiming::fromCache).containsExactly(true, true, true);
        assertThat(sources.secretReads).hasValue(1);
    }
}
