package io.lava.jdbc.internal.engine;

import io.lava.jdbc.internal.record.ResolvedConnection;
import io.lava.jdbc.internal.Errors.Step;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.cache.RefreshingCache;
import io.lava.jdbc.internal.policy.Policy;
import io.lava.jdbc.internal.request.AwsSettings;
import io.lava.jdbc.internal.request.CallTimeouts;
import io.lava.jdbc.internal.request.ConnectDeadline;
import io.lava.jdbc.internal.request.ConnectionOptions;
import io.lava.jdbc.internal.request.ConnectionRef;
import io.lava.jdbc.internal.record.ConnectionRecord;
import io.lava.jdbc.internal.aws.RdsRegions;
import io.lava.jdbc.internal.record.RealmNames;
import io.lava.jdbc.internal.record.SecretFields;
import io.lava.jdbc.internal.sources.Sources;
import io.lava.jdbc.internal.sources.TokenSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Resolves a {@link ConnectionRef} into a {@link ResolvedConnection}: record, then SSM parameter, then secret merge,
 * then an {@code https://} or {@code s3://} {@code ssl_ca_file} fetched to a private file (unless the user set
 * {@code sslrootcert}), then (RDS/Aurora without a password) an IAM token — lava's resolution order ({@code docs/lava.md}) — each
 * through the engine's {@link Caches}, reading from its {@link Sources}.
 *
 * <p>Thread-safe: each {@link #resolve} works on its own state. Logs each step at FINE under {@code io.lava.jdbc};
 * never logs a value read from SSM or Secrets Manager, nor a token.
 */
final public class Resolver {
    private static final Logger LOG = Logger.getLogger(Resolver.class.getName());

    private final Policy policy;
    private final Caches caches;
    private final Sources sources;
    private final LongSupplier nanoTime;
    private final Executor fetches;

    /**
     * A resolver that reads one item at a time.
     *
     * @param caches the engine's caches
     * @param sources where values are read from on a cache miss
     * @param nanoTime the clock step timings are measured with
     */
    public Resolver(Caches caches, Sources sources, LongSupplier nanoTime) {
        this(caches, sources, nanoTime, Runnable::run);
    }

    /**
     * @param caches the engine's caches
     * @param sources where values are read from on a cache miss
     * @param nanoTime the clock step timings are measured with
     * @param fetches runs the secret's read while the caller reads the SSM parameter, for a record that names both
     */
    public Resolver(Caches caches, Sources sources, LongSupplier nanoTime, Executor fetches) {
        this(caches, sources, nanoTime, fetches, Policy.NONE);
    }

    /**
     * @param caches the engine's caches
     * @param sources where values are read from on a cache miss
     * @param nanoTime the clock step timings are measured with
     * @param fetches runs the secret's read while the caller reads the SSM parameter, for a record that names both
     * @param policy the operator's policy: the hosts a record and {@code iamHost} may name
     */
    public Resolver(Caches caches, Sources sources, LongSupplier nanoTime, Executor fetches, Policy policy) {
        this.policy = policy;
        this.caches = caches;
        this.sources = sources;
        this.nanoTime = nanoTime;
        this.fetches = fetches;
    }

    /**
     * @param ref the parsed URL
     * @param options the validated options
     * @return host, port, database, user and password for pgjdbc, with how each step was served
     * @throws SQLException with the SQLState of the failing step (see docs/errors.md), the step named in the
     *     message and the AWS/IO exception as cause
     */
    public Resolution resolve(ConnectionRef ref, ConnectionOptions options) throws SQLException {
        return resolve(ref, options, ConnectDeadline.start(nanoTime, options.loginTimeout()));
    }

    /**
     * As {@link #resolve(ConnectionRef, ConnectionOptions)}, within a connect's deadline: every AWS call gets at most
     * the time left, and a step that finds it passed (or fails after it passed) fails with SQLState 08001 naming
     * {@code loginTimeout}.
     *
     * @param deadline the connect's deadline, taken when the connect started
     */
    public Resolution resolve(ConnectionRef ref, ConnectionOptions options, ConnectDeadline deadline)
            throws SQLException {
        return new Run(ref, options, deadline).run();
    }

    /**
     * What an RDS IAM token for this connection is signed for: {@code iamHost}/{@code iamPort} if set, else the
     * record's host and port; region {@code awsRegion} if set, else the one in an RDS endpoint name, else the SDK's
     * chain; the credentials of the connect's profile.
     *
     * @throws SourceException when no region can be found or the credentials cannot be resolved
     */
    public Caches.TokenKey tokenKey(ConnectionOptions options, ResolvedConnection resolved) {
        String host = options.iamHost() != null ? options.iamHost() : resolved.host();
        int port = options.iamPort() != null ? options.iamPort() : resolved.port();
        AwsSettings aws = options.aws();
        String hostRegion = aws.region() == null ? RdsRegions.fromHost(host) : null;
        if (hostRegion != null) {
            aws = aws.withRegion(hostRegion);
        }
        TokenSource source = sources.tokens(aws);
        if (LOG.isLoggable(Level.FINE)) {
            LOG.log(Level.FINE, "realm ''{0}'', conn_id ''{1}'': RDS IAM token for {2}@{3}:{4} in {5}",
                    new Object[] {resolved.realm(), resolved.connId(), resolved.user(), host, String.valueOf(port),
                            source.describe()});
        }
        return new Caches.TokenKey(source, source.identity(), host, port, resolved.user());
    }

    /**
     * One item read through its cache (or from its source), before it is recorded in a run's state.
     *
     * @param value the value
     * @param invalidation drops the entry from its cache, or {@code null} when read past the cache
     * @param stale whether the cache served a stale value (the source failed)
     * @param uncached whether it was read straight from the source (a TTL of zero)
     * @param dueNanos when the entry is due for refresh, on the engine's clock
     * @param timing the step's timing
     */
    private record Fetched<V>(V value, Runnable invalidation, boolean stale, boolean uncached, long dueNanos,
                              Resolution.StepTiming timing) {
    }

    /** The state of one resolve. */
    private final class Run {
        private final ConnectionRef ref;
        private final ConnectionOptions options;
        private final ConnectDeadline deadline;
        private final List<Resolution.StepTiming> steps = new ArrayList<>();
        private final List<Runnable> invalidations = new ArrayList<>();
        /** Drops of the entries a password can come from, by step (parameter, secret, token). */
        private final java.util.Map<Step, Runnable> drops = new java.util.EnumMap<>(Step.class);
        /** Whether the result may be reused, and until when ({@link Resolution#reusableUntilNanos()}). */
        private boolean reusable = true;
        private boolean anyCached;
        private long reusableUntil;

        public Run(ConnectionRef ref, ConnectionOptions options, ConnectDeadline deadline) {
            this.ref = ref;
            this.options = options;
            this.deadline = deadline;
        }

        public Resolution run() throws SQLException {
            String realm = ref.realm();
            String connId = ref.connId();
            ConnectionRecord record = step(Step.RECORD, () -> cached(Step.RECORD,
                    new Caches.RecordKey(sources.records(options), connId), options.recordTtl(),
                    ttl -> caches.records(ttl, options.maxStale())));
            // the operator's hosts, before anything is fetched for this record
            Resolver.step(realm, connId, Step.RECORD, () -> {
                policy.checkHost("the record's host", record.host());
                policy.checkHost("iamHost", options.iamHost());
                return null;
            });

            if (record.secretId() != null) { // before any AWS call for it, as the parameter's check below
                step(Step.SECRET, () -> {
                    RealmNames.checkSecretId(realm, record.secretId(), policy.allowedSecretPrefixes());
                    return null;
                });
            }

            // a record with both, whose secret is not cached: the secret is read on another thread while this one
            // reads the parameter (two round trips in the time of one); each failure still names its own step, the
            // parameter's first. A cached secret is served here, without a thread hop
            Caches.SecretKey secretKey = record.secretId() == null ? null
                    : new Caches.SecretKey(sources.secrets(options.aws()), record.secretId());
            CompletableFuture<Fetched<SecretFields>> secretRead = null;
            if (secretKey != null && record.passwordParameter() != null && !secretCachedFresh(secretKey)) {
                try {
                    secretRead = CompletableFuture.supplyAsync(() -> fetchSecret(secretKey), fetches);
                } catch (RejectedExecutionException e) {
                    // the engine is closing: read it after the parameter, where a closed engine is reported
                }
            }

            String parameterValue = null;
            if (record.passwordParameter() != null) {
                String name = record.passwordParameter();
                parameterValue = step(Step.PARAMETER, () -> {
                    String prefix = "/lava/" + realm + "/";
                    if (!name.startsWith(prefix) || name.length() == prefix.length()) {
                        throw new SourceException(Errors.INVALID_AUTHORIZATION, "SSM parameter '" + name
                                + "' is outside " + prefix + "; lava reads passwords only from parameters under its "
                                + "realm. Store the password under " + prefix + " and put that name in the record's "
                                + "'password' field");
                    }
                    return keep(Step.PARAMETER, fetch(Step.PARAMETER,
                            new Caches.ParameterKey(sources.parameters(options.aws()), name),
                            options.parameterTtl(), ttl -> caches.parameters(ttl, options.maxStale()))).value();
                });
            }

            SecretFields secret = SecretFields.NONE;
            if (record.secretId() != null) {
                CompletableFuture<Fetched<SecretFields>> started = secretRead;
                secret = step(Step.SECRET, () -> keep(Step.SECRET,
                        started != null ? join(started) : fetchSecret(secretKey)));
            }

            SecretFields merged = secret;
            String password = parameterValue;
            ResolvedConnection resolved = step(Step.CREDENTIALS, () -> {
                // the database property picks another database of the record's server, nothing else
                ResolvedConnection of = ResolvedConnection.of(realm, record, password, merged)
                        .withDatabase(options.database());
                if (record.host() == null) {
                    // the secret gave the host: checked before any token is signed or anything is sent to it
                    policy.checkHost("the host of the record's secret", of.host());
                }
                return of;
            });
            String caFile = resolved.sslCaFile();
            boolean https = caFile != null && caFile.regionMatches(true, 0, "https://", 0, 8);
            boolean s3 = caFile != null && caFile.regionMatches(true, 0, "s3://", 0, 5);
            if ((https || s3) && options.pgProperties().get("sslrootcert") == null) {
                ResolvedConnection withUri = resolved;
                resolved = step(Step.CA_BUNDLE, () -> withUri.withSslCaFile(cached(Step.CA_BUNDLE,
                        new Caches.CaBundleKey(sources.caBundles(), s3 ? sources.s3Objects(options.aws()) : null,
                                caFile), options.recordTtl(),
                        ttl -> caches.caBundles(ttl, options.maxStale())).toString()));
            }
            if (resolved.passwordSource() == ResolvedConnection.PasswordSource.IAM_TOKEN) {
                ResolvedConnection needsToken = resolved;
                resolved = step(Step.TOKEN, () -> {
                    Caches.TokenKey key = tokenKey(options, needsToken);
                    String token = keep(Step.TOKEN, fetch(Step.TOKEN, key, options.iamTokenTtl(), caches::tokens))
                            .value();
                    return needsToken.withPassword(token);
                });
                reusable = false; // tokens refresh on their own schedule: every connect asks their cache
            }
            if (LOG.isLoggable(Level.FINER)) {
                LOG.log(Level.FINER, "realm ''{0}'', conn_id ''{1}'': resolved to {2}",
                        new Object[] {realm, connId, resolved});
            }
            List<Runnable> all = List.copyOf(invalidations);
            Runnable passwordDrop = drops.getOrDefault(switch (resolved.passwordSource()) {
                case SSM_PARAMETER -> Step.PARAMETER;
                case SECRET -> Step.SECRET;
                case IAM_TOKEN -> Step.TOKEN;
            }, () -> { });
            return new Resolution(resolved, List.copyOf(steps), () -> all.forEach(Runnable::run), passwordDrop,
                    reusable && anyCached, reusableUntil);
        }

        /**
         * Reads through the kind's cache (or straight from the source when {@code ttl} is zero), timing the step and
         * remembering the entry for {@link Resolution#invalidate()}.
         */
        private <K extends RefreshingCache.Loadable<V>, V> V cached(Step step, K key, Duration ttl,
                                                                     Function<Duration, RefreshingCache<K, V>> kind) {
            return keep(fetch(step, key, ttl, kind));
        }

        private Fetched<SecretFields> fetchSecret(Caches.SecretKey key) {
            return fetch(Step.SECRET, key, options.secretTtl(), ttl -> caches.secrets(ttl, options.maxStale()));
        }

        private boolean secretCachedFresh(Caches.SecretKey key) {
            return !options.secretTtl().isZero()
                    && caches.secrets(options.secretTtl(), options.maxStale()).holdsFresh(key);
        }

        /** The read itself; touches none of this run's state, so it may run on another thread. */
        private <K extends RefreshingCache.Loadable<V>, V> Fetched<V> fetch(Step step, K key, Duration ttl,
                                                                            Function<Duration, RefreshingCache<K, V>> kind) {
            long start = nanoTime.getAsLong();
            CallTimeouts timeouts = deadline.cap(options.timeouts(), "reading the " + key.describe());
            if (ttl.isZero()) {
                V value = RefreshingCache.load(key, timeouts);
                return new Fetched<>(value, null, false, true, 0, new Resolution.StepTiming(step,
                        nanoTime.getAsLong() - start, false, key::describe, Resolution.CacheUse.UNCACHED));
            }
            RefreshingCache<K, V> cache = kind.apply(ttl);
            RefreshingCache.Lookup<V> lookup = cache.get(key, timeouts, options.timeouts());
            long due = lookup.stale() ? 0 : cache.refreshDueNanos(lookup.entry());
            return new Fetched<>(lookup.value(), () -> cache.invalidate(key, lookup.entry()), lookup.stale(), false,
                    due, new Resolution.StepTiming(step, nanoTime.getAsLong() - start, lookup.fromCache(),
                    key::describe, Resolution.CacheUse.of(lookup.fromCache(), lookup.stale())));
        }

        /** As {@link #keep(Fetched)}, remembering the entry's drop under {@code step}. */
        private <V> V keep(Step step, Fetched<V> read) {
            if (read.invalidation() != null) {
                drops.put(step, read.invalidation());
            }
            return keep(read);
        }

        /** Records a read in this run's state (on the resolving thread) and returns its value. */
        private <V> V keep(Fetched<V> read) {
            if (read.invalidation() != null) {
                invalidations.add(read.invalidation());
            }
            if (read.uncached() || read.stale()) {
                reusable = false;
            } else {
                reusableUntil = !anyCached || read.dueNanos() - reusableUntil < 0 ? read.dueNanos() : reusableUntil;
                anyCached = true;
            }
            steps.add(read.timing());
            return read.value();
        }

        /** Waits for a read started on another thread; what it threw is thrown here, unwrapped. */
        private <V> Fetched<V> join(CompletableFuture<Fetched<V>> read) {
            try {
                return read.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e;
            }
        }

        /** Runs a step; a failure after the deadline passed is reported as the deadline's, with it as cause. */
        private <T> T step(Step step, Supplier<T> body) throws SQLException {
            return Resolver.step(ref.realm(), ref.connId(), step, () -> {
                deadline.check("this step started");
                try {
                    return body.get();
                } catch (SourceException e) {
                    throw deadline.passed() ? deadline.expired("this step finished", e) : e;
                }
            });
        }
    }

    /**
     * Runs one step of a resolution: the one place where its failures become the caller's {@link SQLException}.
     *
     * @param realm the realm, for the message
     * @param connId the conn_id, for the message
     * @param step the step, for the message
     * @param body the step's work
     * @return what {@code body} returns
     * @throws SQLException for a {@link SourceException}: its SQLState, message and cause; for a {@link LinkageError},
     *     also inside another exception (a class of the driver or of its libraries missing or mismatched): 08001
     *     ({@link Errors#incompleteJar}); for any other unchecked exception: 08001 "unexpected", with it as cause
     */
    public static <T> T step(String realm, String connId, Step step, Supplier<T> body) throws SQLException {
        try {
            return body.get();
        } catch (SourceException e) {
            throw Errors.at(realm, connId, step, e);
        } catch (RuntimeException | LinkageError e) {
            LinkageError linkage = Errors.linkageError(e);
            if (linkage != null) {
                throw Errors.at(realm, connId, step, Errors.incompleteJar(linkage));
            }
            // e.g. the SDK refusing a profile it cannot use: still an SQLException that names the step
            throw Errors.at(realm, connId, step, Errors.UNABLE_TO_CONNECT, "unexpected "
                    + e.getClass().getSimpleName() + ". See the cause; check the AWS configuration (profile, "
                    + "credentials, region)", e);
        }
    }
}
