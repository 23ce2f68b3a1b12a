package io.lava.jdbc.testing;

import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults that depend on chance or on load, applied to every answer of {@link LocalAws} after its stubs produced it (a
 * global WireMock response transformer, so it sees the DynamoDB stand-in's answers too):
 *
 * <ul>
 *   <li>{@link #random}: for the requests of some operations, a fault instead of the answer with a given probability,
 *   each kind equally likely: HTTP 500 {@code InternalFailure}, HTTP 400 {@code ThrottlingException}, connection reset,
 *   the answer after a delay, a malformed JSON body;</li>
 *   <li>{@link #rateLimit}: a token bucket per operation (rate per second, burst); a request that finds it empty is
 *   answered HTTP 400 {@code ThrottlingException}, as AWS answers past a quota.</li>
 * </ul>
 * Counters say how many requests were faulted and throttled. Thread-safe.
 */
public final class AwsFaults implements ResponseTransformerV2 {
    static final String NAME = "lava-aws-faults";
    private static final String JSON_1_1 = "application/x-amz-json-1.1";

    /** The kinds of random fault, in the order {@link #random} draws them. */
    public enum Kind { HTTP_500, THROTTLED, RESET, DELAY, MALFORMED }

    private record RandomPlan(Set<String> targets, double rate, int delayMillis, Random random) {
    }

    /** A token bucket: {@code rate} tokens a second up to {@code burst}. */
    private static final class Bucket {
        private final double rate;
        private final double burst;
        private double tokens;
        private long last = System.nanoTime();

        Bucket(double rate, int burst) {
            this.rate = rate;
            this.burst = burst;
            this.tokens = burst;
        }

        synchronized boolean take() {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }

    private volatile RandomPlan plan;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Map<Kind, AtomicInteger> faulted = new ConcurrentHashMap<>();
    private final AtomicInteger throttled = new AtomicInteger();
    private final AtomicInteger passed = new AtomicInteger();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return true;
    }

    /**
     * Starts random faults, replacing any earlier plan.
     *
     * @param targets the {@code X-Amz-Target} values to fault
     * @param rate probability of a fault per request, 0 to 1
     * @param delayMillis how late a {@link Kind#DELAY} answer comes
     * @param seed seed of the draws
     */
    void random(Set<String> targets, double rate, int delayMillis, long seed) {
        plan = new RandomPlan(Set.copyOf(targets), rate, delayMillis, new Random(seed));
    }

    /** Ends random faults. */
    void stopRandom() {
        plan = null;
    }

    /**
     * @param target an {@code X-Amz-Target} value
     * @param perSecond tokens added a second
     * @param burst bucket size (and initial tokens)
     */
    void rateLimit(String target, double perSecond, int burst) {
        buckets.put(target, new Bucket(perSecond, burst));
    }

    /** @param target the operation whose rate limit ends */
    void stopRateLimit(String target) {
        buckets.remove(target);
    }

    /** @return requests answered with a fault of that kind by {@link #random} */
    public int faulted(Kind kind) {
        AtomicInteger n = faulted.get(kind);
        return n == null ? 0 : n.get();
    }

    /** @return requests answered {@code ThrottlingException} by a rate limit */
    public int throttled() {
        return throttled.get();
    }

    /** @return requests a rate limit let through */
    public int passed() {
        return passed.get();
    }

    @Override
    public Response transform(Response response, ServeEvent serveEvent) {
        String target = serveEvent.getRequest().getHeader("X-Amz-Target");
        if (target == null) {
            return response;
        }
        Bucket bucket = buckets.get(target);
        if (bucket != null) {
            if (!bucket.take()) {
                throttled.incrementAndGet();
                return error(response, 400, "ThrottlingException", "Rate exceeded");
            }
            passed.incrementAndGet();
        }
        RandomPlan current = plan;
        if (current == null || !current.targets().contains(target)) {
            return response;
        }
        Kind kind;
        synchronized (current.random()) {
            if (current.random().nextDouble() >= current.rate()) {
                return response;
            }
            kind = Kind.values()[current.random().nextInt(Kind.values().length)];
        }
        faulted.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        return switch (kind) {
            case HTTP_500 -> error(response, 500, "InternalFailure", "Internal failure");
            case THROTTLED -> error(response, 400, "ThrottlingException", "Rate exceeded");
            case RESET -> Response.Builder.like(response).but().fault(Fault.CONNECTION_RESET_BY_PEER).build();
            case DELAY -> Response.Builder.like(response).but().incrementInitialDelay(current.delayMillis()).build();
            // no x-amz-crc32 header: the SDK's JSON parser, not DynamoDB's checksum, finds the body malformed
            case MALFORMED -> Response.Builder.like(response).but().status(200)
                    .headers(new HttpHeaders(new HttpHeader("Content-Type", JSON_1_1)))
                    .body("{\"Item\": {\"conn_id\": ".getBytes(StandardCharsets.UTF_8)).build();
        };
    }

    private static Response error(Response response, int status, String code, String message) {
        String body = "{\"__type\":\"" + code + "\",\"message\":\"" + message + "\"}";
        return Response.Builder.like(response).but().status(status)
                .headers(new HttpHeaders(new HttpHeader("Content-Type", JSON_1_1)))
                .body(body.getBytes(StandardCharsets.UTF_8)).build();
    }
}
