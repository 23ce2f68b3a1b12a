package io.lava.jdbc.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.aws.AwsClients;
import io.lava.jdbc.internal.request.CallTimeouts;
import io.lava.jdbc.internal.sources.CaBundleSource;
import io.lava.jdbc.internal.sources.S3ObjectSource;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/** An engine's caches: one per kind and (TTL, maxStale), each counting as its kind, all emptied at once. */
class CachesTest {
    private static final Duration TTL = Duration.ofSeconds(60);
    private static final Duration MAX_STALE = Duration.ofHours(1);
    private static final CallTimeouts T = CallTimeouts.DEFAULT;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Metrics metrics = new Metrics();
    private final Caches caches = new Caches(now::get, Runnable::run, metrics);
    private final FakeSources fake = new FakeSources();
    private final Caches.RecordKey record = new Caches.RecordKey(fake.records(null), "wh");
    private final Caches.ParameterKey parameter = new Caches.ParameterKey(fake.parameters(null), "/lava/prod/etl");
    private final Caches.SecretKey secret = new Caches.SecretKey(fake.secrets(null), "s");
    private final Caches.TokenKey token = new Caches.TokenKey(fake.tokens(null), "AKIDFAKE", "db.internal", 5432,
            "etl");

    {
        fake.records.put("wh", Map.of("type", "postgres", "enabled", true, "host", "db.internal", "port",
                new BigDecimal(5432), "database", "dw", "user", "etl"));
        fake.parameters.put("/lava/prod/etl", "pw");
        fake.secrets.put("s", "{\"password\":\"pw-s\"}");
    }

    @Test
    void oneCachePerKindAndSettings() {
        assertThat(caches.records(TTL, MAX_STALE)).isSameAs(caches.records(Duration.ofSeconds(60), MAX_STALE))
                .isNotSameAs(caches.records(Duration.ofSeconds(61), MAX_STALE))
                .isNotSameAs(caches.records(TTL, Duration.ZERO));
        assertThat(caches.parameters(TTL, MAX_STALE)).isSameAs(caches.parameters(TTL, MAX_STALE))
                .isNotSameAs(caches.parameters(TTL, Duration.ofHours(2)));
        assertThat(caches.secrets(TTL, MAX_STALE)).isSameAs(caches.secrets(TTL, MAX_STALE))
                .isNotSameAs(caches.secrets(Duration.ofSeconds(1), MAX_STALE));
        assertThat(caches.tokens(TTL)).isSameAs(caches.tokens(TTL)).isNotSameAs(caches.tokens(Duration.ofSeconds(1)));
        assertThat(caches.caBundles(TTL, MAX_STALE)).isSameAs(caches.caBundles(TTL, MAX_STALE))
                .isNotSameAs(caches.caBundles(TTL, Duration.ZERO));
        assertThat((Object) caches.records(TTL, MAX_STALE)).isNotSameAs(caches.parameters(TTL, MAX_STALE));
    }

    @Test
    void theSameSettingsShareTheirEntries() {
        caches.records(TTL, MAX_STALE).get(record, T);
        assertThat(caches.records(TTL, MAX_STALE).get(record, T).fromCache()).isTrue();
        assertThat(caches.records(TTL, Duration.ZERO).get(record, T).fromCache()).isFalse();
        assertThat(fake.recordReads).hasValue(2);
    }

    @Test
    void eachKindCountsAsItself() {
        caches.records(TTL, MAX_STALE).get(record, T);
        caches.records(TTL, MAX_STALE).get(record, T);
        caches.parameters(TTL, MAX_STALE).get(parameter, T);
        caches.parameters(TTL, MAX_STALE).get(parameter, T);
        caches.parameters(TTL, MAX_STALE).get(parameter, T);
        caches.secrets(TTL, MAX_STALE).get(secret, T);
        caches.tokens(TTL).get(token, T);
        assertThat(metrics.getRecordCacheMisses()).isEqualTo(1);
        assertThat(metrics.getRecordCacheHits()).isEqualTo(1);
        assertThat(metrics.getParameterCacheMisses()).isEqualTo(1);
        assertThat(metrics.getParameterCacheHits()).isEqualTo(2);
        assertThat(metrics.getSecretCacheMisses()).isEqualTo(1);
        assertThat(metrics.getSecretCacheHits()).isZero();
        assertThat(metrics.getTokenMints()).isEqualTo(1);
    }

    @Test
    void aTokenIsNeverServedPastItsTtlWhereARecordIsServedStale() {
        caches.tokens(TTL).get(token, T);
        caches.records(TTL, MAX_STALE).get(record, T);
        fake.failures.put("token", SourceException.unavailable("08001", "STS down", null));
        fake.failures.put("wh", SourceException.unavailable("08001", "DynamoDB down", null));
        now.addAndGet(TTL.toNanos());
        assertThat(caches.records(TTL, MAX_STALE).get(record, T).stale()).isTrue();
        assertThatThrownBy(() -> caches.tokens(TTL).get(token, T)).hasMessage("STS down");
    }

    @Test
    void invalidateAllEmptiesEveryCacheOfEveryKind() {
        caches.records(TTL, MAX_STALE).get(record, T);
        caches.records(Duration.ofSeconds(5), MAX_STALE).get(record, T);
        caches.parameters(TTL, MAX_STALE).get(parameter, T);
        caches.secrets(TTL, MAX_STALE).get(secret, T);
        caches.tokens(TTL).get(token, T);
        caches.invalidateAll();
        assertThat(caches.records(TTL, MAX_STALE).holdsFresh(record)).isFalse();
        assertThat(caches.records(Duration.ofSeconds(5), MAX_STALE).holdsFresh(record)).isFalse();
        assertThat(caches.parameters(TTL, MAX_STALE).holdsFresh(parameter)).isFalse();
        assertThat(caches.secrets(TTL, MAX_STALE).holdsFresh(secret)).isFalse();
        assertThat(caches.tokens(TTL).holdsFresh(token)).isFalse();
        caches.tokens(TTL).get(token, T);
        assertThat(fake.mints).hasValue(2);
    }

    @Test
    void keysSayWhatTheyNameAndNoSecret() {
        assertThat(record.describe()).isEqualTo("record 'wh' from fake records");
        assertThat(parameter.describe()).isEqualTo("SSM parameter '/lava/prod/etl'");
        assertThat(secret.describe()).isEqualTo("secret 's'");
        assertThat(token.describe()).isEqualTo("RDS IAM token for etl@db.internal:5432 in fake-region");
        CaBundleSource files = new CaBundleSource();
        try {
            assertThat(new Caches.CaBundleKey(files, "https://pki.example/ca.pem").describe())
                    .isEqualTo("CA bundle https://pki.example/ca.pem");
            S3ObjectSource s3 = new S3ObjectSource(null, new AwsClients.Scope(Region.EU_WEST_2, null, null));
            assertThat(new Caches.CaBundleKey(files, s3, "s3://bucket/ca.pem").describe())
                    .isEqualTo("CA bundle s3://bucket/ca.pem in eu-west-2");
        } finally {
            files.close();
        }
        assertThat(new Caches.Secret("hunter2")).hasToString("Secret[redacted]");
    }

    @Test
    void keysLoadFromTheirSources() {
        assertThat(record.load(T).connId()).isEqualTo("wh");
        assertThat(parameter.load(T)).isEqualTo(new Caches.Secret("pw"));
        assertThat(secret.load(T).get("password")).isEqualTo("pw-s");
        assertThat(token.load(T).value()).isEqualTo("token-1-for-etl@db.internal:5432");
    }

    @Test
    void anHttpsBundleIsFetchedOverHttps() {
        CaBundleSource files = new CaBundleSource();
        try {
            assertThatThrownBy(() -> new Caches.CaBundleKey(files, "https://127.0.0.1:1/ca.pem").load(
                    new CallTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2))))
                    .isInstanceOfSatisfying(SourceException.class,
                            e -> assertThat(e.sqlState()).isEqualTo("08001"))
                    .hasMessageContaining("https://127.0.0.1:1/ca.pem");
        } finally {
            files.close();
        }
    }
}
