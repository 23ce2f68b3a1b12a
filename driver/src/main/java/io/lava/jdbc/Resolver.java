package io.lava.jdbc;

import io.lava.jdbc.Errors.Step;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Resolves a {@link ConnectionRef} into a {@link ResolvedConnection}: record, then SSM parameter, then secret merge,
 * then (RDS/Aurora without a password) an IAM token — lava's resolution order ({@code ../shared/LAVA.md}) — each
 * through its JVM-wide cache ({@link Caches}, {@link IamTokens}).
 *
 * <p>One instance per resolve; not shared between threads. Logs each step at FINE under {@code io.lava.jdbc}; never
 * logs a value read from SSM or Secrets Manager, nor a token.
 */
final class Resolver {
    private static final Logger LOG = Logger.getLogger(Resolver.class.getName());

    private final ConnectionRef ref;
    private final ConnectionOptions options;
    private final List<Resolution.StepTiming> steps = new ArrayList<>();
    private final List<Runnable> invalidations = new ArrayList<>();
    /** Whether the result may be reused, and until when ({@link Resolution#reusableUntilNanos()}). */
    private boolean reusable = true;
    private boolean anyCached;
    private long reusableUntil;

    private Resolver(ConnectionRef ref, ConnectionOptions options) {
        this.ref = ref;
        this.options = options;
    }

    /**
     * @param ref the parsed URL
     * @param options the validated options
     * @return host, port, database, user and password for pgjdbc, with how each step was served
     * @throws SQLException with the SQLState of the failing step (see the README's error table), the step named in the
     *     message and the AWS/IO exception as cause
     */
    static Resolution resolve(ConnectionRef ref, ConnectionOptions options) throws SQLException {
        return new Resolver(ref, options).run();
    }

    private Resolution run() throws SQLException {
        String realm = ref.realm();
        String connId = ref.connId();
        ConnectionRecord record = step(Step.RECORD, () -> {
            RecordSource source = options.connectionsFile() != null
                    ? new FileRecordSource(options.connectionsFile().toAbsolutePath().normalize())
                    : new DynamoDbRecordSource(AwsClients.forSettings(options.aws()), options.connectionsTable());
            return cached(Step.RECORD, new Caches.RecordKey(source, connId), options.recordTtl(),
                    ttl -> Caches.records(ttl, options.maxStale()));
        });

        String parameterValue = null;
        if (record.passwordParameter() != null) {
            String name = record.passwordParameter();
            parameterValue = step(Step.PARAMETER, () -> {
                String prefix = "/lava/" + realm + "/";
                if (!name.startsWith(prefix) || name.length() == prefix.length()) {
                    throw new SourceException(Errors.INVALID_AUTHORIZATION, "SSM parameter '" + name + "' is outside "
                            + prefix + "; lava reads passwords only from parameters under its realm. Store the "
                            + "password under " + prefix + " and put that name in the record's 'password' field");
                }
                ParameterSource source = new SsmParameterSource(AwsClients.forSettings(options.aws()));
                return cached(Step.PARAMETER, new Caches.ParameterKey(source, name), options.parameterTtl(),
                        ttl -> Caches.parameters(ttl, options.maxStale())).value();
            });
        }

        SecretFields secret = SecretFields.NONE;
        if (record.secretId() != null) {
            String secretId = record.secretId();
            secret = step(Step.SECRET, () -> {
                SecretSource source = new SecretsManagerSecretSource(AwsClients.forSettings(options.aws()));
                return cached(Step.SECRET, new Caches.SecretKey(source, secretId), options.secretTtl(),
                        ttl -> Caches.secrets(ttl, options.maxStale()));
            });
        }

        SecretFields merged = secret;
        String password = parameterValue;
        ResolvedConnection resolved = step(Step.CREDENTIALS,
                () -> ResolvedConnection.of(realm, record, password, merged));
        if (resolved.passwordSource() == ResolvedConnection.PasswordSource.IAM_TOKEN) {
            ResolvedConnection needsToken = resolved;
            reusable = false;
            resolved = step(Step.TOKEN, () -> {
                long start = System.nanoTime();
                IamTokens.Key key = tokenKey(options, needsToken);
                invalidations.add(() -> IamTokens.SHARED.invalidate(key));
                boolean cached = IamTokens.SHARED.hasValid(key);
                String token = IamTokens.SHARED.get(key);
                steps.add(new Resolution.StepTiming(Step.TOKEN, System.nanoTime() - start, cached,
                        () -> "RDS IAM token for " + key.user() + "@" + key.host() + ":" + key.port() + " in "
                                + key.region()));
                return needsToken.withPassword(token);
            });
        }
        if (LOG.isLoggable(Level.FINER)) {
            LOG.log(Level.FINER, "realm ''{0}'', conn_id ''{1}'': resolved to {2}",
                    new Object[] {realm, connId, resolved});
        }
        List<Runnable> drops = List.copyOf(invalidations);
        return new Resolution(resolved, List.copyOf(steps), () -> drops.forEach(Runnable::run), reusable && anyCached,
                reusableUntil);
    }

    /**
     * Reads through the kind's cache (or straight from the source when {@code ttl} is zero), timing the step and
     * remembering the entry for {@link Resolution#invalidate()}.
     */
    private <K extends RefreshingCache.Loadable<V>, V> V cached(Step step, K key, Duration ttl,
                                                                 Function<Duration, RefreshingCache<K, V>> caches) {
        long start = System.nanoTime();
        V value;
        boolean fromCache;
        if (ttl.isZero()) {
            value = RefreshingCache.load(key);
            fromCache = false;
            reusable = false;
        } else {
            RefreshingCache<K, V> cache = caches.apply(ttl);
            RefreshingCache.Lookup<V> lookup = cache.get(key);
            invalidations.add(() -> cache.invalidate(key, lookup.entry()));
            value = lookup.value();
            fromCache = lookup.fromCache();
            if (lookup.stale()) {
                reusable = false;
            } else {
                long due = cache.refreshDueNanos(lookup.entry());
                reusableUntil = !anyCached || due - reusableUntil < 0 ? due : reusableUntil;
                anyCached = true;
            }
        }
        steps.add(new Resolution.StepTiming(step, System.nanoTime() - start, fromCache, key::describe));
        return value;
    }

    /**
     * What the IAM token for this connection is signed for: {@code iamHost}/{@code iamPort} if set, else the record's
     * host and port; region {@code awsRegion} if set, else the one in an RDS endpoint name, else the SDK's chain.
     */
    static IamTokens.Key tokenKey(ConnectionOptions options, ResolvedConnection resolved) {
        String host = options.iamHost() != null ? options.iamHost() : resolved.host();
        int port = options.iamPort() != null ? options.iamPort() : resolved.port();
        AwsSettings aws = options.aws();
        String hostRegion = aws.region() == null ? RdsRegions.fromHost(host) : null;
        if (hostRegion != null) {
            aws = aws.withRegion(hostRegion);
        }
        AwsClients clients = AwsClients.forSettings(aws);
        TokenSource source = new RdsTokenSource(clients.credentials());
        if (LOG.isLoggable(Level.FINE)) {
            LOG.log(Level.FINE, "realm ''{0}'', conn_id ''{1}'': RDS IAM token for {2}@{3}:{4} in {5}",
                    new Object[] {resolved.realm(), resolved.connId(), resolved.user(), host, String.valueOf(port),
                            clients.scope().region()});
        }
        return new IamTokens.Key(source, source.identity(), clients.scope().region(), host, port, resolved.user(),
                options.iamTokenTtl());
    }

    private <T> T step(Step step, Supplier<T> body) throws SQLException {
        return step(ref.realm(), ref.connId(), step, body);
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
    static <T> T step(String realm, String connId, Step step, Supplier<T> body) throws SQLException {
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
