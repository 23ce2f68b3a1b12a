package io.lava.jdbc.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.cache.RefreshingCache;
import io.lava.jdbc.internal.request.CallTimeouts;
import io.lava.jdbc.internal.sources.RdsTokenSource;
import io.lava.jdbc.internal.sources.TokenSource;
import io.lava.jdbc.testing.ParkedCallers;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** RDS IAM tokens through the engine's one cache mechanism ({@link Caches#tokens}), on a fake ticker. */
class TokenCacheTest {
    private static final Duration TTL = Duration.ofMinutes(14);

    /** Counts mints; each token is distinct; a mint can be held until released. */
    private static final class CountingSource implements TokenSource {
        final AtomicInteger mints = new AtomicInteger();
        volatile RuntimeException failure;
        volatile CountDownLatch hold;
        final CountDownLatch entered = new CountDownLatch(1);

        @Override
        public String mint(String host, int port, String user) {
            if (failure != null) {
                throw failure;
            }
            entered.countDown();
            CountDownLatch h = hold;
            if (h != null) {
                try {
                    h.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return "token-" + mints.incrementAndGet();
        }

        @Override
        public String identity() {
            return "AKID";
        }

        @Override
        public String describe() {
            return "test-region";
        }
    }

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final CountingSource source = new CountingSource();
    private final Metrics metrics = new Metrics();
    private final RefreshingCache<Caches.TokenKey, Caches.Secret> tokens =
            new Caches(now::get, Runnable::run, metrics).tokens(TTL);
    private final Caches.TokenKey key = new Caches.TokenKey(source, "AKID", "h", 5432, "u");

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    private String get(RefreshingCache<Caches.TokenKey, Caches.Secret> cache, Caches.TokenKey k) {
        return cache.get(k, CallTimeouts.DEFAULT).value().value();
    }

    @Test
    void manyConnectsWithinTheTtlMintOnce() {
        for (int i = 0; i < 100; i++) {
            assertThat(get(tokens, key)).isEqualTo("token-1");
            advance(Duration.ofSeconds(5)); // 500 s in all: below 3/4 of 840 s
        }
        assertThat(source.mints).hasValue(1);
        assertThat(metrics.getTokenMints()).isEqualTo(1);
    }

    @Test
    void refreshesAheadAfterThreeQuartersAndNeverServesPastTheTtl() {
        List<Runnable> background = new ArrayList<>();
        RefreshingCache<Caches.TokenKey, Caches.Secret> queued =
                new Caches(now::get, background::add, metrics).tokens(TTL);
        assertThat(get(queued, key)).isEqualTo("token-1");
        advance(TTL.multipliedBy(3).dividedBy(4).plusSeconds(1));
        // the caller that notices the age keeps the current token; the mint runs behind it
        assertThat(get(queued, key)).isEqualTo("token-1");
        assertThat(source.mints).hasValue(1);
        while (!background.isEmpty()) {
            background.remove(0).run();
        }
        assertThat(source.mints).hasValue(2);
        assertThat(get(queued, key)).isEqualTo("token-2");
        assertThat(metrics.getTokenMints()).isEqualTo(2);
    }

    @Test
    void aTokenIsNeverReusedPastTheTtlEvenWithoutARefresh() {
        RefreshingCache<Caches.TokenKey, Caches.Secret> noRefresh =
                new Caches(now::get, task -> { }, metrics).tokens(TTL); // background refreshes never run
        assertThat(get(noRefresh, key)).isEqualTo("token-1");
        advance(TTL.minusSeconds(1));
        assertThat(get(noRefresh, key)).isEqualTo("token-1");
        advance(Duration.ofSeconds(1));
        assertThat(get(noRefresh, key)).isEqualTo("token-2");
    }

    @Test
    void aFailedMintPastTheTtlIsNeverAnsweredWithTheOldToken() {
        assertThat(get(tokens, key)).isEqualTo("token-1");
        source.failure = new SourceException("08001", "no credentials");
        advance(TTL);
        assertThatThrownBy(() -> get(tokens, key)).hasMessage("no credentials");
    }

    @Test
    void otherUsersHostsSignersAndIdentitiesGetTheirOwnTokens() {
        CountingSource other = new CountingSource();
        get(tokens, key);
        get(tokens, new Caches.TokenKey(source, "AKID", "h", 5432, "other"));
        get(tokens, new Caches.TokenKey(source, "AKID", "h2", 5432, "u"));
        get(tokens, new Caches.TokenKey(source, "AKID", "h", 5433, "u"));
        get(tokens, new Caches.TokenKey(source, "AKID2", "h", 5432, "u"));
        get(tokens, new Caches.TokenKey(other, "AKID", "h", 5432, "u"));
        assertThat(source.mints).hasValue(5);
        assertThat(other.mints).hasValue(1);
    }

    @Test
    void concurrentConnectsShareOneMint() throws Exception {
        int threads = 16;
        source.hold = new CountDownLatch(1);
        try (ParkedCallers callers = new ParkedCallers(threads)) {
            List<Future<String>> results = new ArrayList<>();
            results.add(callers.submit(() -> get(tokens, key)));
            assertThat(source.entered.await(10, TimeUnit.SECONDS)).as("first load started").isTrue();
            for (int i = 1; i < threads; i++) {
                results.add(callers.submit(() -> get(tokens, key)));
            }
            callers.awaitAllParked();
            source.hold.countDown();
            for (Future<String> f : results) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("token-1");
            }
        }
        assertThat(source.mints).hasValue(1);
    }


    @Test
    void aFailedMintIsNotCached() {
        source.failure = new SourceException("08001", "no credentials");
        assertThatThrownBy(() -> get(tokens, key)).hasMessage("no credentials");
        source.failure = null;
        assertThat(get(tokens, key)).isEqualTo("token-1");
    }

    @Test
    void tokenShapeFromTheSdk() {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String token = RdsTokenSource.sign(credentials, Region.EU_WEST_1, "mydb.abc.eu-west-1.rds.amazonaws.com",
                5432, "iam_user");
        Instant after = Instant.now();
        assertThat(token).startsWith("mydb.abc.eu-west-1.rds.amazonaws.com:5432/?");
        URI uri = URI.create("https://" + token);
        String query = URLDecoder.decode(uri.getRawQuery(), StandardCharsets.UTF_8);
        Matcher date = Pattern.compile("X-Amz-Date=((\\d{8})T\\d{6}Z)").matcher(query);
        Matcher expires = Pattern.compile("X-Amz-Expires=(\\d+)(&|$)").matcher(query);
        assertThat(date.find() && expires.find()).as("X-Amz-Date and X-Amz-Expires in %s", query).isTrue();
        assertThat(query)
                .contains("Action=connect", "DBUser=iam_user",
                        "X-Amz-Algorithm=AWS4-HMAC-SHA256",
                        "X-Amz-Credential=AKIDEXAMPLE/" + date.group(2) + "/eu-west-1/rds-db/aws4_request")
                .containsPattern("X-Amz-Signature=[0-9a-f]{64}")
                .doesNotContain("wJalrXUtnFEMI");
        // 900 s, or 899: the SDK reads the clock once for the 15-minute expiry and again when signing, and
        // the signer truncates the difference to whole seconds (DefaultRdsUtilities, aws-sdk-java-v2)
        assertThat(Integer.parseInt(expires.group(1))).isBetween(899, 900);
        Instant signed = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX").parse(date.group(1), Instant::from);
        assertThat(signed).isBetween(before, after);
    }

    @Test
    void webIdentityCredentialsAreAvailable() {
        // IRSA / web identity: the SDK finds its STS-backed provider factory by class name at runtime
        assertThat(software.amazon.awssdk.auth.credentials.internal.WebIdentityCredentialsUtils.factory())
                .isNotNull();
    }
}
