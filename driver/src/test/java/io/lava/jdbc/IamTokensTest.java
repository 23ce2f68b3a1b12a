package io.lava.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

class IamTokensTest {
    private static final Duration TTL = Duration.ofMinutes(14);

    /** Counts mints; each token is distinct. */
    private static final class CountingSource implements TokenSource {
        final AtomicInteger mints = new AtomicInteger();
        volatile RuntimeException failure;

        @Override
        public String mint(Region region, String host, int port, String user) {
            if (failure != null) {
                throw failure;
            }
            sleep(50);
            return "token-" + mints.incrementAndGet();
        }

        @Override
        public String identity() {
            return "AKID";
        }
    }

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final CountingSource source = new CountingSource();
    private final IamTokens tokens = new IamTokens(now::get, Runnable::run);
    private final IamTokens.Key key = new IamTokens.Key(source, "AKID", Region.EU_WEST_1, "h", 5432, "u", TTL);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void hasValidTellsWhetherAConnectWouldReuseAToken() {
        assertThat(tokens.hasValid(key)).isFalse();
        tokens.get(key);
        assertThat(tokens.hasValid(key)).isTrue();
        advance(TTL);
        assertThat(tokens.hasValid(key)).isFalse();
    }

    @Test
    void manyConnectsWithinTheTtlMintOnce() {
        for (int i = 0; i < 100; i++) {
            assertThat(tokens.get(key)).isEqualTo("token-1");
            advance(Duration.ofSeconds(5)); // 500 s in all: below 3/4 of 840 s
        }
        assertThat(source.mints).hasValue(1);
    }

    @Test
    void refreshesAheadAfterThreeQuartersAndNeverServesPastTheTtl() {
        assertThat(tokens.get(key)).isEqualTo("token-1");
        advance(TTL.multipliedBy(3).dividedBy(4));
        // the caller that notices the age keeps the current token; the refresh runs (here: at once) behind it
        assertThat(tokens.get(key)).isEqualTo("token-1");
        assertThat(source.mints).hasValue(2);
        assertThat(tokens.get(key)).isEqualTo("token-2");
    }

    @Test
    void aTokenIsNeverReusedPastTheTtlEvenWithoutARefresh() {
        IamTokens noRefresh = new IamTokens(now::get, task -> { }); // refreshes never run
        assertThat(noRefresh.get(key)).isEqualTo("token-1");
        advance(TTL.minusSeconds(1));
        assertThat(noRefresh.get(key)).isEqualTo("token-1");
        advance(Duration.ofSeconds(1));
        assertThat(noRefresh.get(key)).isEqualTo("token-2");
    }

    @Test
    void otherUsersHostsRegionsAndIdentitiesGetTheirOwnTokens() {
        tokens.get(key);
        tokens.get(new IamTokens.Key(source, "AKID", Region.EU_WEST_1, "h", 5432, "other", TTL));
        tokens.get(new IamTokens.Key(source, "AKID", Region.EU_WEST_1, "h2", 5432, "u", TTL));
        tokens.get(new IamTokens.Key(source, "AKID", Region.EU_WEST_1, "h", 5433, "u", TTL));
        tokens.get(new IamTokens.Key(source, "AKID", Region.US_EAST_1, "h", 5432, "u", TTL));
        tokens.get(new IamTokens.Key(source, "AKID2", Region.EU_WEST_1, "h", 5432, "u", TTL));
        assertThat(source.mints).hasValue(6);
    }

    @Test
    void concurrentConnectsShareOneMint() throws Exception {
        int threads = 64;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return tokens.get(key);
                }));
            }
            start.countDown();
            for (Future<String> f : results) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("token-1");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(source.mints).hasValue(1);
    }

    @Test
    void aFailedMintIsNotCached() {
        source.failure = new SourceException("08001", "no credentials");
        assertThatThrownBy(() -> tokens.get(key)).hasMessage("no credentials");
        source.failure = null;
        assertThat(tokens.get(key)).isEqualTo("token-1");
    }

    @Test
    void tokenShapeFromTheSdk() {
        RdsTokenSource rds = new RdsTokenSource(StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")));
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String token = rds.mint(Region.EU_WEST_1, "mydb.abc.eu-west-1.rds.amazonaws.com", 5432, "iam_user");
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
        assertThat(rds.identity()).isEqualTo("AKIDEXAMPLE");
    }

    @Test
    void webIdentityCredentialsAreAvailable() {
        // IRSA / web identity: the SDK finds its STS-backed provider factory by class name at runtime
        assertThat(software.amazon.awssdk.auth.credentials.internal.WebIdentityCredentialsUtils.factory())
                .isNotNull();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
