package io.lava.jdbc.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.Errors.Step;
import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.record.ConnectionRecord;
import io.lava.jdbc.internal.request.AwsSettings;
import io.lava.jdbc.internal.request.CallTimeouts;
import io.lava.jdbc.internal.request.ConnectionOptions;
import io.lava.jdbc.internal.request.ConnectionRef;
import io.lava.jdbc.internal.sources.CaBundleSource;
import io.lava.jdbc.internal.sources.ParameterSource;
import io.lava.jdbc.internal.sources.RecordSource;
import io.lava.jdbc.internal.sources.SecretSource;
import io.lava.jdbc.internal.sources.Sources;
import io.lava.jdbc.internal.sources.TokenSource;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Resolver} over fake sources and a clock the test advances: which SSM parameters a record may name, what an
 * IAM token is signed for, how each step is timed and described, until when a resolution may be reused, what
 * {@link Resolution#invalidate()} drops, CA bundles, and the connect's deadline across the steps.
 */
class ResolverTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final long start = now.get();
    private final FakeSources fake = new FakeSources();
    /** The AWS settings each token signer was asked for. */
    private final List<AwsSettings> tokenScopes = new CopyOnWriteArrayList<>();
    /** The time limits each record read was given. */
    private final List<CallTimeouts> recordLimits = new CopyOnWriteArrayList<>();
    private final CaBundleSource caBundles = new CaBundleSource();
    private final Sources sources = new Sources() {
        /** One source, as the real sources keep one per table: cache entries are keyed by it. */
        private final RecordSource records = new RecordSource() {
            @Override
            public ConnectionRecord get(String connId, CallTimeouts timeouts) {
                recordLimits.add(timeouts);
                return fake.records(null).get(connId, timeouts);
            }

            @Override
            public String describe() {
                return fake.records(null).describe();
            }
        };

        @Override
        public RecordSource records(ConnectionOptions options) {
            return records;
        }

        @Override
        public ParameterSource parameters(AwsSettings aws) {
            return fake.parameters(aws);
        }

        @Override
        public SecretSource secrets(AwsSettings aws) {
            return fake.secrets(aws);
        }

        @Override
        public TokenSource tokens(AwsSettings aws) {
            tokenScopes.add(aws);
            return fake.tokens(aws);
        }

        @Override
        public CaBundleSource caBundles() {
            return caBundles;
        }

        @Override
        public void close() {
            caBundles.close();
            fake.close();
        }
    };
    private final Metrics metrics = new Metrics();
    private final Resolver resolver = new Resolver(new Caches(now::get, Runnable::run, metrics), sources, now::get);

    @AfterEach
    void close() {
        sources.close();
    }

    private static Map<String, Object> record(String type, String host, String user, String password) {
        Map<String, Object> r = new HashMap<>();
        r.put("type", type);
        r.put("enabled", true);
        r.put("host", host);
        r.put("port", new BigDecimal(5432));
        r.put("database", "dw");
        if (user != null) {
            r.put("user", user);
        }
        if (password != null) {
            r.put("password", password);
        }
        return r;
    }

    private Resolution resolve(String url) throws SQLException {
        ConnectionRef ref = ConnectionRef.parse(url, null, key -> null);
        return resolver.resolve(ref, ConnectionOptions.of(ref, key -> null));
    }

    private void readTakes(String item, Duration d) {
        fake.onRead.put(item, () -> now.addAndGet(d.toNanos()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /lava/prod/etl          | true
            /lava/prod/team/etl     | true
            /lava/prod/             | false
            /lava/prod              | false
            /lava/production/etl    | false
            /lava/other/etl         | false
            lava/prod/etl           | false
            /LAVA/PROD/etl          | false
            """)
    void aPasswordParameterMustLieUnderTheRealm(String parameter, boolean accepted) throws SQLException {
        fake.records.put("wh", record("postgres", "db.internal", "etl", parameter));
        fake.parameters.put(parameter, "pw");
        if (accepted) {
            assertThat(resolve("jdbc:lava-pg:prod/wh").connection().password()).isEqualTo("pw");
        } else {
            assertThatThrownBy(() -> resolve("jdbc:lava-pg:prod/wh")).isInstanceOfSatisfying(SQLException.class, e -> {
                assertThat(e.getSQLState()).isEqualTo("28000");
                assertThat((Throwable) e).hasMessage("lava-pg realm 'prod', conn_id 'wh': parameter: SSM parameter '" + parameter
                        + "' is outside /lava/prod/; lava reads passwords only from parameters under its realm. Store "
                        + "the password under /lava/prod/ and put that name in the record's 'password' field");
            });
            assertThat(fake.parameterReads).hasValue(0);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            db.internal                                  | ''                                                  | db.internal:5432                                 |
            a.cluster-x.eu-west-1.rds.amazonaws.com      | ''                                                  | a.cluster-x.eu-west-1.rds.amazonaws.com:5432     | eu-west-1
            a.cluster-x.eu-west-1.rds.amazonaws.com      | awsRegion=us-east-1                                 | a.cluster-x.eu-west-1.rds.amazonaws.com:5432     | us-east-1
            localhost                                    | iamHost=b.x.eu-central-1.rds.amazonaws.com          | b.x.eu-central-1.rds.amazonaws.com:5432          | eu-central-1
            localhost                                    | iamPort=6543                                        | localhost:6543                                   |
            localhost                                    | iamHost=b.x.ap-south-1.rds.amazonaws.com&iamPort=15432 | b.x.ap-south-1.rds.amazonaws.com:15432        | ap-south-1
            """)
    void anIamTokenIsSignedForTheIamHostAndPortElseTheRecordsInTheRegionOfItsHost(String host, String query,
                                                                                 String signedFor, String region)
            throws SQLException {
        fake.records.put("au", record("postgres-aurora", host, "iam_user", null));
        Resolution r = resolve("jdbc:lava-pg:prod/au?" + query);
        assertThat(r.connection().password()).isEqualTo("token-1-for-iam_user@" + signedFor);
        assertThat(r.connection().host()).as("the connection still goes to the record's host").isEqualTo(host);
        assertThat(tokenScopes).extracting(AwsSettings::region).containsExactly(region);
        assertThat(r.steps()).extracting(Resolution.StepTiming::step)
                .containsExactly(Step.RECORD, Step.TOKEN);
        assertThat(r.steps().get(1).source()).isEqualTo("RDS IAM token for iam_user@" + signedFor + " in fake-region");
        assertThat(r.reusable()).isFalse();
    }

    @Test
    void eachStepIsTimedOnTheEnginesClockAndSaysWhereItsValueCameFrom() throws SQLException {
        Map<String, Object> r = record("postgres", "db.internal", "etl", "/lava/prod/etl");
        r.put("secret_id", "/lava/prod/s");
        fake.records.put("wh", r);
        fake.parameters.put("/lava/prod/etl", "pw");
        fake.secrets.put("/lava/prod/s", "{\"dbname\":\"x\"}");
        readTakes("wh", Duration.ofMillis(20));
        readTakes("/lava/prod/etl", Duration.ofMillis(30));
        readTakes("/lava/prod/s", Duration.ofMillis(40));
        Resolution first = resolve("jdbc:lava-pg:prod/wh");
        assertThat(first.steps()).extracting(Resolution.StepTiming::step)
                .containsExactly(Step.RECORD, Step.PARAMETER, Step.SECRET);
        assertThat(first.steps()).extracting(Resolution.StepTiming::nanos)
                .containsExactly(20_000_000L, 30_000_000L, 40_000_000L);
        assertThat(first.steps()).extracting(Resolution.StepTiming::fromCache)
                .containsExactly(false, false, false);
        assertThat(first.steps()).extracting(Resolution.StepTiming::source)
                .containsExactly("record 'wh' from fake records", "SSM parameter '/lava/prod/etl'", "secret '/lava/prod/s'");

        Resolution second = resolve("jdbc:lava-pg:prod/wh");
        assertThat(second.steps()).extracting(Resolution.StepTiming::nanos).containsOnly(0L);
        assertThat(second.steps()).extracting(Resolution.StepTiming::fromCache)
                .containsExactly(true, true, true);
        assertThat(first.steps()).extracting(Resolution.StepTiming::cache).containsOnly(Resolution.CacheUse.MISS);
        assertThat(second.steps()).extracting(Resolution.StepTiming::cache).containsOnly(Resolution.CacheUse.HIT);
    }

    @ParameterizedTest(name = "{0}: reusable until {1} s")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                         | 45
            recordTtl=600                              | 225
            recordTtl=600&parameterTtl=40              | 30
            recordTtl=600&parameterTtl=400&secretTtl=8 | 6
            secretTtl=600&parameterTtl=600&recordTtl=4 | 3
            """)
    void aResolutionIsReusableUntilTheFirstOfItsValuesIsDueForRefresh(String query, long seconds)
            throws SQLException {
        Map<String, Object> r = record("postgres", "db.internal", "etl", "/lava/prod/etl");
        r.put("secret_id", "/lava/prod/s");
        fake.records.put("wh", r);
        fake.parameters.put("/lava/prod/etl", "pw");
        fake.secrets.put("/lava/prod/s", "{}");
        Resolution first = resolve("jdbc:lava-pg:prod/wh?" + query);
        assertThat(first.reusable()).isTrue();
        assertThat(first.reusableUntilNanos()).isEqualTo(start + Duration.ofSeconds(seconds).toNanos());
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(resolve("jdbc:lava-pg:prod/wh?" + query).reusableUntilNanos())
                .as("the values' due time, not the resolve's").isEqualTo(first.reusableUntilNanos());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            recordTtl=0
            parameterTtl=0
            recordTtl=0&parameterTtl=0
            """)
    void aValueReadPastTheCacheMakesTheResolutionSingleUse(String query) throws SQLException {
        fake.records.put("wh", record("postgres", "db.internal", "etl", "/lava/prod/etl"));
        fake.parameters.put("/lava/prod/etl", "pw");
        Resolution first = resolve("jdbc:lava-pg:prod/wh?" + query);
        assertThat(first.reusable()).isFalse();
        Resolution second = resolve("jdbc:lava-pg:prod/wh?" + query);
        int uncachedRecords = query.contains("recordTtl=0") ? 2 : 1;
        int uncachedParameters = query.contains("parameterTtl=0") ? 2 : 1;
        assertThat(fake.recordReads).hasValue(uncachedRecords);
        assertThat(fake.parameterReads).hasValue(uncachedParameters);
        assertThat(second.steps().get(0).fromCache()).isEqualTo(uncachedRecords == 1);
        assertThat(second.steps().get(1).fromCache()).isEqualTo(uncachedParameters == 1);
        second.invalidate(); // drops what was cached, never fails on what was not
        resolve("jdbc:lava-pg:prod/wh?" + query);
        assertThat(fake.recordReads).hasValue(uncachedRecords + 1);
        assertThat(fake.parameterReads).hasValue(uncachedParameters + 1);
    }

    @Test
    void anUncachedReadIsTimedToo() throws SQLException {
        fake.records.put("wh", record("postgres", "db.internal", "etl", "/lava/prod/etl"));
        fake.parameters.put("/lava/prod/etl", "pw");
        readTakes("wh", Duration.ofMillis(20));
        Resolution r = resolve("jdbc:lava-pg:prod/wh?recordTtl=0");
        assertThat(r.steps().get(0).nanos()).isEqualTo(20_000_000L);
        assertThat(r.steps().get(0).fromCache()).isFalse();
        assertThat(r.steps().get(0).cache()).isEqualTo(Resolution.CacheUse.UNCACHED);
        assertThat(r.steps().get(0).cache().label).isEqualTo("uncached");
        assertThat(r.steps().get(0).source()).isEqualTo("record 'wh' from fake records");
    }

    @Test
    void aStaleValueMakesTheResolutionSingleUse() throws SQLException {
        fake.records.put("wh", record("postgres", "db.internal", "etl", "/lava/prod/etl"));
        fake.parameters.put("/lava/prod/etl", "pw");
        resolve("jdbc:lava-pg:prod/wh");
        fake.failures.put("wh", SourceException.unavailable("08001", "DynamoDB down", null));
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        Resolution stale = resolve("jdbc:lava-pg:prod/wh");
        assertThat(stale.connection().password()).isEqualTo("pw");
        assertThat(stale.reusable()).isFalse();
        assertThat(stale.steps()).extracting(Resolution.StepTiming::cache)
                .containsExactly(Resolution.CacheUse.STALE, Resolution.CacheUse.HIT);
        assertThat(stale.steps().get(0).cache().label).isEqualTo("stale");
    }

    @Test
    void invalidateDropsWhatThisResolutionReadAndNotWhatCameAfter() throws SQLException {
        Map<String, Object> r = record("postgres-aurora", "db.internal", "etl", null);
        fake.records.put("wh", r);
        Resolution first = resolve("jdbc:lava-pg:prod/wh");
        first.invalidate();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        Resolution second = resolve("jdbc:lava-pg:prod/wh");
        assertThat(fake.recordReads).hasValue(2);
        assertThat(fake.mints).hasValue(2);
        assertThat(second.connection().password()).isEqualTo("token-2-for-etl@db.internal:5432");
        first.invalidate(); // a second caller that saw the first credentials refused
        resolve("jdbc:lava-pg:prod/wh");
        assertThat(fake.recordReads).hasValue(2);
        assertThat(fake.mints).hasValue(2);
    }

    @Test
    void theSecretIsDroppedToo() throws SQLException {
        Map<String, Object> r = record("postgres", "db.internal", "etl", null);
        r.put("secret_id", "/lava/prod/s");
        fake.records.put("wh", r);
        fake.secrets.put("/lava/prod/s", "{\"password\":\"pw-1\"}");
        Resolution first = resolve("jdbc:lava-pg:prod/wh");
        fake.secrets.put("/lava/prod/s", "{\"password\":\"pw-2\"}");
        assertThat(resolve("jdbc:lava-pg:prod/wh").connection().password()).isEqualTo("pw-1");
        first.invalidate();
        assertThat(resolve("jdbc:lava-pg:prod/wh").connection().password()).isEqualTo("pw-2");
    }

    @Test
    void eachReadGetsTheTimeLeftOfTheConnect() throws SQLException {
        fake.records.put("wh", record("postgres-aurora", "db.internal", "etl", null));
        resolve("jdbc:lava-pg:prod/wh?loginTimeout=5");
        assertThat(recordLimits).containsExactly(new CallTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(3)));
    }

    @Test
    void aStepStartedAfterTheDeadlineFailsNamingLoginTimeout() {
        fake.records.put("wh", record("postgres", "db.internal", "etl", "/lava/prod/etl"));
        fake.parameters.put("/lava/prod/etl", "pw");
        readTakes("wh", Duration.ofSeconds(6));
        assertThatThrownBy(() -> resolve("jdbc:lava-pg:prod/wh?loginTimeout=5"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("08001");
                    assertThat((Throwable) e).hasMessageStartingWith("lava-pg realm 'prod', conn_id 'wh': parameter: the connect's "
                            + "loginTimeout (5 s) ran out before this step started.");
                });
        assertThat(fake.parameterReads).hasValue(0);
    }

    @Test
    void aStepThatFailsAfterTheDeadlineReportsTheDeadlineWithTheFailureAsCause() {
        SourceException down = SourceException.unavailable("08001", "DynamoDB down", null);
        fake.records.put("wh", record("postgres", "db.internal", "etl", "/lava/prod/etl"));
        fake.onRead.put("wh", () -> {
            now.addAndGet(Duration.ofSeconds(6).toNanos());
            throw down;
        });
        assertThatThrownBy(() -> resolve("jdbc:lava-pg:prod/wh?loginTimeout=5"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("08001");
                    assertThat((Throwable) e).hasMessageStartingWith("lava-pg realm 'prod', conn_id 'wh': record: the connect's "
                            + "loginTimeout (5 s) ran out before this step finished.").hasCause(down);
                });
    }

    @Test
    void aStepThatFailsWithinTheDeadlineReportsItsOwnFailure() {
        SourceException down = SourceException.unavailable("08001", "DynamoDB down", null);
        fake.records.put("wh", record("postgres", "db.internal", "etl", "/lava/prod/etl"));
        fake.onRead.put("wh", () -> {
            now.addAndGet(Duration.ofSeconds(4).toNanos());
            throw down;
        });
        assertThatThrownBy(() -> resolve("jdbc:lava-pg:prod/wh?loginTimeout=5"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat((Throwable) e)
                        .hasMessage("lava-pg realm 'prod', conn_id 'wh': record: DynamoDB down"));
    }

    @Test
    void anErrorInTheSecretReadReachesTheCallerAsItWouldFromTheResolvingThread() {
        Map<String, Object> r = record("postgres", "db.internal", "etl", "/lava/prod/etl");
        r.put("secret_id", "/lava/prod/s");
        fake.records.put("wh", r);
        fake.parameters.put("/lava/prod/etl", "pw");
        AssertionError bug = new AssertionError("bug");
        fake.onRead.put("/lava/prod/s", () -> {
            throw bug;
        });
        assertThatThrownBy(() -> resolve("jdbc:lava-pg:prod/wh")).isSameAs(bug);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            s3://bucket/ca.pem        | ''                    | 0A000 | ca bundle: these sources do not read S3; put a local path in ssl_ca_file
            S3://bucket/ca.pem        | ''                    | 0A000 | ca bundle: these sources do not read S3; put a local path in ssl_ca_file
            https://127.0.0.1:1/ca.pem | ''                   | 08001 | ca bundle: fetching the CA bundle https://127.0.0.1:1/ca.pem
            HTTPS://127.0.0.1:1/ca.pem | ''                   | 08001 | ca bundle: fetching the CA bundle HTTPS://127.0.0.1:1/ca.pem
            """)
    void anHttpsOrS3CaBundleIsFetchedUnlessTheUserSetSslrootcert(String caFile, String query, String sqlState,
                                                                 String message) throws SQLException {
        Map<String, Object> r = record("postgres", "db.internal", "etl", "/lava/prod/etl");
        r.put("ssl_ca_file", caFile);
        r.put("ssl_mode", "verify-full");
        fake.records.put("wh", r);
        fake.parameters.put("/lava/prod/etl", "pw");
        assertThatThrownBy(() -> resolve("jdbc:lava-pg:prod/wh?" + query))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo(sqlState);
                    assertThat((Throwable) e).hasMessageStartingWith("lava-pg realm 'prod', conn_id 'wh': " + message);
                });
        Resolution own = resolve("jdbc:lava-pg:prod/wh?sslrootcert=/etc/ssl/mine.pem");
        assertThat(own.connection().sslCaFile()).isEqualTo(caFile);
        assertThat(own.steps()).extracting(Resolution.StepTiming::step).doesNotContain(Step.CA_BUNDLE);
    }

    @Test
    void aLocalCaFileIsUsedAsItIs() throws SQLException {
        Map<String, Object> r = record("postgres", "db.internal", "etl", "/lava/prod/etl");
        r.put("ssl_ca_file", "/etc/ssl/ca.pem");
        r.put("ssl_mode", "verify-full");
        fake.records.put("wh", r);
        fake.parameters.put("/lava/prod/etl", "pw");
        Resolution resolved = resolve("jdbc:lava-pg:prod/wh");
        assertThat(resolved.connection().sslCaFile()).isEqualTo("/etc/ssl/ca.pem");
        assertThat(resolved.steps()).extracting(Resolution.StepTiming::step)
                .containsExactly(Step.RECORD, Step.PARAMETER);
    }
}
