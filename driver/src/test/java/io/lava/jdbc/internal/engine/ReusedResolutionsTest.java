package io.lava.jdbc.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.Metrics;
import java.math.BigDecimal;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reuse of an earlier connect's parsed request and resolution: for how long, for which URL, properties and login
 * timeout, what each reuse counts, and what ends it.
 */
class ReusedResolutionsTest {
    private static final String URL = "jdbc:lava-pg:prod/wh";

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final long start = now.get();
    private final FakeSources sources = new FakeSources();
    private final Metrics metrics = new Metrics();
    private final ReusedResolutions reuse = new ReusedResolutions(key -> null,
            new Resolver(new Caches(now::get, Runnable::run, metrics), sources, now::get), now::get, metrics);

    @BeforeEach
    void records() {
        Map<String, Object> r = new HashMap<>();
        r.put("type", "postgres");
        r.put("enabled", true);
        r.put("host", "db.internal");
        r.put("port", new BigDecimal(5432));
        r.put("database", "dw");
        r.put("user", "etl");
        r.put("password", "/lava/prod/etl");
        r.put("secret_id", "/lava/prod/s");
        sources.records.put("wh", r);
        sources.parameters.put("/lava/prod/etl", "pw");
        sources.secrets.put("/lava/prod/s", "{\"dbname\":\"dw2\"}");
    }

    private void at(Duration d) {
        now.set(start + d.toNanos());
    }

    @ParameterizedTest(name = "{0} ns later: reused {1}")
    @CsvSource({
            "0, true",
            "44999999999, true",
            "45000000000, false",
            "45000000001, false"})
    void reusedUntilTheFirstValueIsDueForRefreshNotAtIt(long nanos, boolean reused) throws SQLException {
        PreparedConnection first = reuse.resolve(URL, null);
        at(Duration.ofNanos(nanos));
        PreparedConnection again = reuse.resolve(URL, null);
        assertThat(again.resolution() == first.resolution()).isEqualTo(reused);
        assertThat(again.request()).as("the parsed request is always reused").isSameAs(first.request());
        assertThat(metrics.getResolutionsReused()).isEqualTo(reused ? 1 : 0);
    }

    @Test
    void aReuseCountsTheCacheHitsAResolveWouldHave() throws SQLException {
        reuse.resolve(URL, null);
        reuse.resolve(URL, null);
        reuse.resolve(URL, null);
        assertThat(metrics.getResolutionsReused()).isEqualTo(2);
        assertThat(metrics.getRecordCacheHits()).isEqualTo(2);
        assertThat(metrics.getParameterCacheHits()).isEqualTo(2);
        assertThat(metrics.getSecretCacheHits()).isEqualTo(2);
        assertThat(sources.recordReads).hasValue(1);
    }

    @Test
    void whatAPreparedConnectionHolds() throws SQLException {
        PreparedConnection prepared = reuse.resolve(URL + "?ApplicationName=etl", null);
        assertThat(prepared.ref()).isSameAs(prepared.request().ref());
        assertThat(prepared.ref().connId()).isEqualTo("wh");
        assertThat(prepared.options()).isSameAs(prepared.request().options());
        assertThat(prepared.options().pgProperties()).containsEntry("ApplicationName", "etl");
        assertThat(prepared.connection()).isSameAs(prepared.resolution().connection());
        assertThat(prepared.connection().database()).isEqualTo("dw");
    }

    @Test
    void aReusedConnectStillGetsItsOwnDeadline() throws SQLException {
        PreparedConnection first = reuse.resolve(URL + "?loginTimeout=10", null);
        at(Duration.ofSeconds(4));
        PreparedConnection again = reuse.resolve(URL + "?loginTimeout=10", null);
        assertThat(again.resolution()).isSameAs(first.resolution());
        assertThat(again.deadline().loginTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(again.deadline().remaining()).isEqualTo(Duration.ofSeconds(10));
        assertThat(first.deadline().remaining()).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void theSamePropertiesHoweverGivenShareOneResolution() throws SQLException {
        Properties defaults = new Properties();
        defaults.setProperty("ApplicationName", "etl");
        Properties plain = new Properties();
        plain.setProperty("ApplicationName", "etl");
        PreparedConnection first = reuse.resolve(URL, new Properties(defaults));
        assertThat(reuse.resolve(URL, plain).resolution()).isSameAs(first.resolution());
        assertThat(reuse.resolve(URL, null).resolution()).isNotSameAs(first.resolution());
        assertThat(reuse.resolve(URL, new Properties()).resolution())
                .as("no properties are empty properties").isSameAs(reuse.resolve(URL, null).resolution());
    }

    @Test
    void anotherLoginTimeoutIsAnotherConnect() throws SQLException {
        int before = DriverManager.getLoginTimeout();
        PreparedConnection plain = reuse.resolve(URL, null);
        try {
            DriverManager.setLoginTimeout(7);
            PreparedConnection timed = reuse.resolve(URL, null);
            assertThat(timed.request()).isNotSameAs(plain.request());
            assertThat(timed.options().loginTimeout()).isEqualTo(Duration.ofSeconds(7));
        } finally {
            DriverManager.setLoginTimeout(before);
        }
        assertThat(reuse.resolve(URL, null).resolution()).isSameAs(plain.resolution());
    }

    @Test
    void invalidateAllEndsEveryReuseButKeepsTheParsedRequests() throws SQLException {
        PreparedConnection first = reuse.resolve(URL, null);
        reuse.invalidateAll();
        PreparedConnection second = reuse.resolve(URL, null);
        assertThat(second.resolution()).isNotSameAs(first.resolution());
        assertThat(second.request()).isSameAs(first.request());
        assertThat(reuse.resolve(URL, null).resolution()).as("reused again from then on")
                .isSameAs(second.resolution());
    }

    @Test
    void aResolutionStartedBeforeAnInvalidationIsNotReused() throws SQLException {
        sources.onRead.put("wh", reuse::invalidateAll); // the server refused credentials while this one resolved
        PreparedConnection first = reuse.resolve(URL, null);
        sources.onRead.clear();
        assertThat(reuse.resolve(URL, null).resolution()).isNotSameAs(first.resolution());
    }

    @Test
    void clearForgetsTheParsedRequestsToo() throws SQLException {
        PreparedConnection first = reuse.resolve(URL, null);
        reuse.clear();
        PreparedConnection second = reuse.resolve(URL, null);
        assertThat(second.request()).isNotSameAs(first.request());
        assertThat(second.resolution()).isNotSameAs(first.resolution());
    }

    @Test
    void aSingleUseResolutionKeepsItsParsedRequest() throws SQLException {
        PreparedConnection first = reuse.resolve(URL + "?secretTtl=0", null);
        PreparedConnection second = reuse.resolve(URL + "?secretTtl=0", null);
        assertThat(second.resolution()).isNotSameAs(first.resolution());
        assertThat(second.request()).isSameAs(first.request());
        assertThat(sources.secretReads).hasValue(2);
    }

    @Test
    void aFailedResolveIsNotKept() throws SQLException {
        sources.records.remove("wh");
        assertThatThrownBy(() -> reuse.resolve(URL, null)).isInstanceOf(SQLException.class);
        sources.records.put("wh", Map.of("type", "postgres", "enabled", true, "host", "h", "port",
                new BigDecimal(5432), "database", "dw", "user", "etl", "password", "/lava/prod/etl"));
        assertThat(reuse.resolve(URL, null).connection().host()).isEqualTo("h");
        assertThatThrownBy(() -> reuse.resolve("jdbc:lava-pg:prod/", null)).isInstanceOf(SQLException.class);
    }
}
