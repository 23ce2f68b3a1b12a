package io.lava.jdbc;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import software.amazon.awssdk.regions.Region;

/**
 * The JVM-wide cache of RDS IAM tokens.
 *
 * <p>A token is reused for at most its key's TTL ({@code iamTokenTtl}, at most 870 s of the token's 900 s life) and
 * never past it. Once three quarters of the TTL have passed, the next caller triggers a background mint while it and
 * everyone else keep the current token, so a steady stream of connects never waits on minting. Concurrent callers for
 * an absent key share one mint (Caffeine's per-key load); a failed mint is not cached. Thread-safe.
 */
final class IamTokens {
    /** The cache shared by every connect in the JVM. */
    static final IamTokens SHARED = new IamTokens(Ticker.systemTicker(), ForkJoinPool.commonPool());

    /**
     * What a token is valid for: the signer and its identity, the signing region, host, port and user; plus how long
     * a token for it may be reused.
     */
    record Key(TokenSource source, String identity, Region region, String host, int port, String user, Duration ttl) {
    }

    /** A token and when it was minted; {@link #toString} never shows it. */
    private record Token(String value, long mintedAtNanos) {
        @Override
        public String toString() {
            return "Token[redacted]";
        }
    }

    private final Ticker ticker;
    private final LoadingCache<Key, Token> cache;

    /**
     * @param ticker time source (tests inject their own)
     * @param executor runs background refreshes
     */
    IamTokens(Ticker ticker, Executor executor) {
        this.ticker = ticker;
        this.cache = Caffeine.newBuilder()
                .maximumSize(Caches.MAXIMUM_SIZE)
                .ticker(ticker)
                .executor(executor)
                .expireAfter(Expiry.<Key, Token>writing((key, token) -> key.ttl()))
                .build(key -> {
                    Token token = new Token(key.source().mint(key.region(), key.host(), key.port(), key.user()),
                            ticker.read());
                    Metrics.SHARED.tokenMinted();
                    return token;
                });
    }

    /**
     * @param key what the token is for
     * @return a token minted less than {@code key.ttl()} ago
     * @throws SourceException when minting fails and no valid token is cached
     */
    String get(Key key) {
        long ttl = key.ttl().toNanos();
        Token token = cache.get(key);
        long age = ticker.read() - token.mintedAtNanos();
        if (age >= ttl) {
            cache.asMap().remove(key, token); // expiry not yet swept: never hand out an old token
            token = cache.get(key);
        } else if (age >= ttl / 4 * 3) {
            cache.refresh(key); // background; concurrent refreshes of one key are merged
        }
        return token.value();
    }

    /**
     * @param key what the token is for
     * @return whether a token younger than the key's TTL is cached now (informational: another thread may change it)
     */
    boolean hasValid(Key key) {
        Token token = cache.getIfPresent(key);
        return token != null && ticker.read() - token.mintedAtNanos() < key.ttl().toNanos();
    }

    /** Drops the token for {@code key}, if any. */
    void invalidate(Key key) {
        cache.invalidate(key);
    }
}
