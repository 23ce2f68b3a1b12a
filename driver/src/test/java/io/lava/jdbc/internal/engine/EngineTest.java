package io.lava.jdbc.internal.engine;

import io.lava.jdbc.internal.record.ResolvedConnection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.SourceException;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The resolver and the reuse layer over fake sources and a fake clock: lava's resolution order, what each failure
 * becomes, what is cached and reused and for how long, and the engine's lifecycle. No network, no waiting.
 */
class EngineTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final FakeSources sources = new FakeSources();
    private final Metrics metrics = new Metrics();
    private final Engine engine = new Engine(key -> null, now::get, Runnable::run, metrics, sources);

    @AfterEach
    void close() {
        engine.close();
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    private static Map<String, Object> record(String type, String user, String password) {
        Map<String, Object> r = new HashMap<>();
        r.put("type", type);
        r.put("enabled", true);
        r.put("host", "db.internal");
        r.put("port", new BigDecimal(5432)); // as DynamoDB and the records file give numbers
        r.put("database", "dw");
        if (user != null) {
            r.put("user", user);
        }
        if (password != null) {
            r.put("password", password);
        }
        return r;
    }

    private Resolution resolve(String connId) throws SQLException {
        return resolve(connId, new Properties());
    }

    private Resolution resolve(String connId, Properties info) throws SQLException {
        return engine.resolve("jdbc:lava-pg:prod/" + connId, info).resolution();
    }

    @Test
    void recordThenSsmParameter() throws Exception {
        sources.records.put("wh", record("postgres", "etl", "/lava/prod/etl"));
        sources.parameters.put("/lava/prod/etl", "pw-1");
        Resolution r = resolve("wh");
        assertThat(r.connection().password()).isEqualTo("pw-1");
        assertThat(r.connection().passwordSource()).isEqualTo(ResolvedConnection.PasswordSource.SSM_PARAMETER);
        assertThat(r.steps()).extracting(Resolution.StepTiming::step)
                .containsExactly(Errors.Step.RECORD, Errors.Step.PARAMETER);
        assertThat(r.steps()).extracting(Resolution.StepTiming::fromCache).containsExactly(false, false);
    }

    @Test
    void theSecretFillsWhatTheRecordLacksAndTheRecordWins() throws Exception {
        Map<String, Object> r = record("postgres", "from-record", null);
        r.put("secret_id", "/lava/prod/s");
        sources.records.put("wh", r);
        sources.secrets.put("/lava/prod/s", "{\"username\":\"from-secret\",\"password\":\"pw-s\",\"port\":6543}");
        ResolvedConnection c = resolve("wh").connection();
        assertThat(c.user()).isEqualTo("from-record");
        assertThat(c.port()).isEqualTo(5432);
        assertThat(c.password()).isEqualTo("pw-s");
        assertThat(c.passwordSource()).isEqualTo(ResolvedConnection.PasswordSource.SECRET);
    }

    @Test
    void auroraWithoutAPasswordGetsAnIamTokenFromItsCacheAndIsNeverReused() throws Exception {
        sources.records.put("au", record("postgres-aurora", "iam_user", null));
        Resolution first = resolve("au");
        Resolution second = resolve("au");
        assertThat(first.connection().password()).isEqualTo("token-1-for-iam_user@db.internal:5432");
        assertThat(second.connection().password()).isEqualTo(first.connection().password());
        assertThat(second).isNotSameAs(first);
        assertThat(first.reusable()).isFalse();
        assertThat(sources.mints).hasValue(1);
        assertThat(metrics.getTokenMints()).isEqualTo(1);
        assertThat(second.steps()).extracting(Resolution.StepTiming::step).contains(Errors.Step.TOKEN);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            parameter outside the realm     | postgres | etl | /lava/other/etl | 28000 | parameter: SSM parameter '/lava/other/etl' is outside /lava/prod/
            no password for a plain record  | postgres | etl |                 | 28000 | credentials:
            no user after the merge         | postgres |     | /lava/prod/etl  | 08001 | credentials:
            missing parameter               | postgres | etl | /lava/prod/none | 08001 | parameter: SSM parameter '/lava/prod/none' does not exist
            """)
    void eachFailureNamesItsStepAndKeepsItsSqlState(String what, String type, String user, String password,
                                                    String sqlState, String message) {
        sources.records.put("bad", record(type, user, password));
        sources.parameters.put("/lava/prod/etl", "pw");
        assertThatThrownBy(() -> resolve("bad")).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo(sqlState);
            assertThat(e.getMessage()).startsWith("lava-pg realm 'prod', conn_id 'bad': " + message);
        });
        if (what.startsWith("parameter outside")) {
            assertThat(sources.parameterReads).as("refused before any read").hasValue(0);
        }
    }

    @Test
    void anUnexpectedRuntimeExceptionStillBecomesAnSqlExceptionNamingTheStep() {
        IllegalStateException odd = new IllegalStateException("profile needs a module");
        sources.failures.put("wh", odd);
        assertThatThrownBy(() -> resolve("wh")).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("08001");
            assertThat(e.getMessage()).contains("conn_id 'wh': record: unexpected IllegalStateException");
            assertThat(e.getCause()).isSameAs(odd);
        });
    }

    @Test
    void aWarmResolutionIsReusedUntilItsFirstValueIsDueForRefresh() throws Exception {
        sources.records.put("wh", record("postgres", "etl", "/lava/prod/etl"));
        sources.parameters.put("/lava/prod/etl", "pw-1");
        Resolution first = resolve("wh");
        assertThat(first.reusable()).isTrue();
        assertThat(resolve("wh")).isSameAs(first);
        assertThat(metrics.getResolutionsReused()).isEqualTo(1);
        assertThat(metrics.getRecordCacheHits()).as("a reuse counts its cache hits").isEqualTo(1);

        advance(Duration.ofSeconds(46)); // the record (TTL 60 s) is due for refresh after 45 s
        Resolution third = resolve("wh");
        assertThat(third).isNotSameAs(first);
        assertThat(sources.recordReads).as("refreshed (here at once) while the cached record was served")
                .hasValue(2);
        assertThat(resolve("wh")).isSameAs(resolve("wh"));
    }

    @Test
    void otherPropertiesGetTheirOwnResolution() throws Exception {
        sources.records.put("wh", record("postgres", "etl", "/lava/prod/etl"));
        sources.parameters.put("/lava/prod/etl", "pw-1");
        Properties named = new Properties();
        named.setProperty("ApplicationName", "nightly");
        Resolution plain = resolve("wh");
        assertThat(resolve("wh", named)).isNotSameAs(plain);
        assertThat(resolve("wh")).isSameAs(plain);
    }

    @Test
    void uncachedAndStaleValuesAreNeverReused() throws Exception {
        sources.records.put("wh", record("postgres", "etl", "/lava/prod/etl"));
        sources.parameters.put("/lava/prod/etl", "pw-1");
        Properties uncached = new Properties();
        uncached.setProperty("parameterTtl", "0");
        assertThat(resolve("wh", uncached).reusable()).isFalse();
        assertThat(resolve("wh", uncached).connection().password()).isEqualTo("pw-1");
        assertThat(sources.parameterReads).hasValue(2);

        resolve("wh");
        sources.failures.put("/lava/prod/etl", SourceException.unavailable(Errors.UNABLE_TO_CONNECT, "SSM down", null));
        advance(Duration.ofSeconds(301)); // past the parameter's 300 s TTL: its refresh fails
        Resolution stale = resolve("wh");
        assertThat(stale.connection().password()).isEqualTo("pw-1");
        assertThat(stale.reusable()).isFalse();
        assertThat(metrics.getStaleValuesServed()).isEqualTo(1);
    }

    @Test
    void closeEmptiesTheCachesClosesTheSourcesAndRefusesFurtherConnects() {
        engine.close();
        assertThat(sources.closed).isTrue();
        assertThatThrownBy(() -> resolve("wh")).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo("08001"));
        engine.close(); // idempotent
    }
}
