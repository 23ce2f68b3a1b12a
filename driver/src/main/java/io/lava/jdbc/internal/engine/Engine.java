package io.lava.jdbc.internal.engine;

import io.lava.jdbc.internal.pg.ConnectFailures;
import io.lava.jdbc.internal.policy.Policy;
import io.lava.jdbc.internal.policy.PolicyFile;
import io.lava.jdbc.internal.pg.PgDelegate;
import com.github.benmanes.caffeine.cache.Ticker;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.request.ConnectDeadline;
import io.lava.jdbc.internal.request.ConnectionRef;
import io.lava.jdbc.internal.request.ConnectionRequest;
import io.lava.jdbc.internal.record.ResolvedConnection;
import io.lava.jdbc.internal.aws.AwsClientRegistry;
import io.lava.jdbc.internal.sources.AwsSources;
import io.lava.jdbc.internal.aws.AwsThreads;
import io.lava.jdbc.internal.sources.Sources;
import io.lava.jdbc.internal.telemetry.Telemetries;
import io.lava.jdbc.internal.telemetry.Telemetry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the driver runs on: the record, parameter, secret and token {@link Caches}, the {@link Sources} (AWS clients and
 * credential providers), the reuse layer ({@link ReusedResolutions}) and the {@link Metrics} — built here, owned here,
 * ended by {@link #close()}. The shape of HikariCP's pool, which builds and owns its collaborators.
 *
 * <p>One connect path, {@link #open}: reuse or resolve, pgjdbc, and on refused credentials a fresh resolve and one
 * retry. {@link io.lava.jdbc.LavaPgDriver#connect}, {@link io.lava.jdbc.LavaPgDataSource#getConnection()} and {@code lava-pg check} all take it.
 * The driver holds one engine per class loader ({@link io.lava.jdbc.LavaPgDriver}); tests build their own with a fake
 * {@link Ticker} and fake sources. Thread-safe.
 */
final public class Engine implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Engine.class.getName());

    /**
     * A connection and how it was reached.
     *
     * @param connection pgjdbc's own connection
     * @param request the parsed URL and options
     * @param resolution the resolution the connection was opened with (the fresh one after a retry)
     * @param connectNanos how long pgjdbc's connect took (the successful one), in nanoseconds
     * @param refused the server's refusal of the first credentials when the connect was retried with fresh ones, else
     *     {@code null}
     * @param attempts how many times pgjdbc connected: 1, more after refused credentials
     * @param reused whether {@code resolution} was an earlier connect's, reused
     */
    public record Opened(Connection connection, ConnectionRequest request, Resolution resolution, long connectNanos,
                  SQLException refused, int attempts, boolean reused) implements ConnectTrace.Outcome {
    }

    private final Policy policy;
    private final RotationWindow.Pause pause;
    private final RotationWindow rotation = new RotationWindow();
    private final UnaryOperator<String> env;
    private final Ticker ticker;
    private final Metrics metrics;
    private final Sources sources;
    private final Caches caches;
    private final Resolver resolver;
    private final ReusedResolutions reuse;
    private final org.postgresql.Driver pgjdbc = new org.postgresql.Driver();
    /** The driver's spans and metrics ({@link ConnectTrace}); {@link Telemetry#OFF} without the OpenTelemetry API. */
    private final Telemetry telemetry = Telemetries.get();
    /** The engine's own pool for {@link Resolver}'s concurrent reads, or {@code null} when the caller gave one. */
    private final ExecutorService ownFetches;
    /** The engine's own threads for background refreshes, or {@code null} when the caller gave an executor. */
    private final ExecutorService ownRefreshes;
    private volatile boolean closed;

    /**
     * @param env environment lookup ({@code LAVA_REALM}, {@code LAVA_CONNECTIONS_FILE}, {@code LAVA_JOB_ID}, {@code LAVA_CONN_APP_NAME})
     * @param ticker the time source of every cache and of the reuse layer
     * @param executor runs background refreshes
     * @param metrics the engine's counters
     * @param sources where values are read from; closed with the engine
     */
    public Engine(UnaryOperator<String> env, Ticker ticker, Executor executor, Metrics metrics, Sources sources) {
        this(env, ticker, executor, executor, metrics, sources, null, null, Policy.NONE, RotationWindow.SLEEP);
    }

    /**
     * As {@link #Engine(UnaryOperator, Ticker, Executor, Metrics, Sources)}, under an operator's policy.
     *
     * @param policy what every connect is checked against ({@link Policy})
     */
    public Engine(UnaryOperator<String> env, Ticker ticker, Executor executor, Metrics metrics, Sources sources,
                  Policy policy) {
        this(env, ticker, executor, metrics, sources, policy, RotationWindow.SLEEP);
    }

    /**
     * As {@link #Engine(UnaryOperator, Ticker, Executor, Metrics, Sources, Policy)}, waiting between the tries of a
     * refused password ({@link RotationWindow}) with {@code pause}: tests advance their ticker in it.
     *
     * @param pause waits between tries of a password the server refused
     */
    public Engine(UnaryOperator<String> env, Ticker ticker, Executor executor, Metrics metrics, Sources sources,
                  Policy policy, RotationWindow.Pause pause) {
        this(env, ticker, executor, executor, metrics, sources, null, null, policy, pause);
    }

    private Engine(UnaryOperator<String> env, Ticker ticker, Executor executor, Executor fetches, Metrics metrics,
                   Sources sources, ExecutorService ownFetches, ExecutorService ownRefreshes, Policy policy,
                   RotationWindow.Pause pause) {
        this.policy = policy;
        this.pause = pause;
        metrics.policy(policy.file(), policy.sha256());
        this.env = env;
        this.ticker = ticker;
        this.metrics = metrics;
        this.sources = sources;
        this.ownFetches = ownFetches;
        this.ownRefreshes = ownRefreshes;
        this.caches = new Caches(ticker, executor, metrics);
        this.resolver = new Resolver(caches, sources, ticker::read, fetches, policy);
        this.reuse = new ReusedResolutions(env, policy, resolver, ticker::read, metrics);
    }

    /**
     * An engine over AWS and the system clock, with background refreshes on threads of its own
     * ({@link #refreshPool()}), never the JVM's common pool, under the operator's policy if one is named
     * ({@link PolicyFile#fromEnvironment}, read here, once).
     *
     * @param env environment lookup
     * @return a new engine; nothing of the AWS SDK is loaded until a connect needs it
     */
    public static Engine create(UnaryOperator<String> env) {
        Metrics metrics = new Metrics();
        ExecutorService fetches = fetchPool();
        ExecutorService refreshes = refreshPool();
        return new Engine(env, Ticker.systemTicker(), refreshes, fetches, metrics,
                new AwsSources(new AwsClientRegistry(metrics)), fetches, refreshes,
                PolicyFile.fromEnvironment(System::getProperty, env), RotationWindow.SLEEP);
    }

    /** The most threads background refreshes run on at once; more refreshes wait in the pool's queue. */
    static final int REFRESH_THREADS = 4;

    /**
     * Threads for the caches' background refreshes (and Caffeine's maintenance): at most {@value #REFRESH_THREADS}
     * daemons named {@code lava-pg-refresh-N} with the driver's class loader, started when needed, ended after 30 s
     * idle and by {@link #close()}. A refresh is queued at most once per cached entry.
     */
    static ExecutorService refreshPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(REFRESH_THREADS, REFRESH_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), AwsThreads.factory("lava-pg-refresh-", Engine.class.getClassLoader()));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Threads for the reads a resolve makes at the same time (a record's secret while its SSM parameter is read):
     * daemons named {@code lava-pg-fetch-N} with the driver's class loader, started when needed, ended after 30 s
     * idle and by {@link #close()}.
     */
    private static ExecutorService fetchPool() {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                AwsThreads.factory("lava-pg-fetch-", Engine.class.getClassLoader()));
    }

    /**
     * Parses the URL and properties and resolves record and credentials through the caches, or reuses an earlier
     * connect's result while it is current ({@link ReusedResolutions}).
     *
     * @param url a {@code jdbc:lava-pg:} URL
     * @param info the tool's properties, may be {@code null}
     * @return the parsed request and its resolution
     * @throws SQLException as {@link io.lava.jdbc.LavaPgDriver#connect}, for the steps before the connect itself; {@code 08001} after
     *     {@link #close()}
     */
    public PreparedConnection resolve(String url, Properties info) throws SQLException {
        checkOpen();
        try {
            return reuse.resolve(url, info);
        } catch (SQLException e) {
            throw tenantView(e);
        }
    }

    /**
     * The connect path: {@link #resolve}, then pgjdbc. When the server refuses the credentials ({@code 28P01},
     * {@code 28000}, {@code 08004}), the connect drops the record, parameter value, secret and token it used, ends
     * every reuse, resolves again from the sources and retries once; a second refusal says the credentials were
     * refreshed. With a {@code loginTimeout}, all of it — every AWS call and its retries, waits for values other
     * connects are reading, pgjdbc's connect and the retry — ends within it ({@link ConnectDeadline}): 08001 naming
     * {@code loginTimeout} once it has passed.
     *
     * @param url a {@code jdbc:lava-pg:} URL
     * @param info the tool's properties, may be {@code null}
     * @return the connection and how it was reached
     * @throws SQLException see {@link io.lava.jdbc.LavaPgDriver} for SQLStates
     */
    public Opened open(String url, Properties info) throws SQLException {
        Telemetry.Connect traced = telemetry.start();
        if (traced != null) {
            return ConnectTrace.open(traced, url, info, env, this::openUntraced);
        }
        return openUntraced(url, info);
    }

    private Opened openUntraced(String url, Properties info) throws SQLException {
        PreparedConnection resolved = resolve(url, info);
        try {
            return open(resolved);
        } catch (SQLException e) {
            throw tenantView(e);
        }
    }

    /**
     * With {@code terseErrors} in the policy, what the caller of a connect sees: the SQLState and a correlation id,
     * the whole failure logged at {@code INFO} under that id for the operator. Without it, {@code e} itself.
     */
    private SQLException tenantView(SQLException e) {
        if (!policy.terseErrors() || e instanceof TerseException) {
            return e;
        }
        String id = UUID.randomUUID().toString().substring(0, 8);
        LOG.log(Level.INFO, "lava-pg: connect refused, reference " + id, e);
        return new TerseException("lava-pg: the connection could not be opened (SQLState " + e.getSQLState()
                + ", reference " + id + "). The operator of this process can look the reference up in its log",
                e.getSQLState());
    }

    /** A connect failure as a tenant sees it under {@code terseErrors}: no detail, no cause. */
    private static final class TerseException extends SQLException {
        private static final long serialVersionUID = 1L;

        TerseException(String message, String sqlState) {
            super(message, sqlState);
        }
    }

    private Opened open(PreparedConnection resolved) throws SQLException {
        ConnectionRequest request = resolved.request();
        Resolution resolution = resolved.resolution();
        ConnectDeadline deadline = resolved.deadline();
        long start = ticker.read();
        try {
            Connection c = PgDelegate.connect(pgjdbc, request.options(), resolution.connection(), env, false,
                    deadline);
            return new Opened(c, request, resolution, ticker.read() - start, null, 1, resolved.reused());
        } catch (SQLException refused) {
            if (!ConnectFailures.credentialsRefused(refused)) {
                throw refused;
            }
            return retry(request, resolution, deadline, refused);
        }
    }

    /**
     * After the server refused the credentials, the password is read again from its store, past its cache (only its
     * entry: the record and the other values stay cached), and the connect retried. A password from a store (SSM
     * parameter, secret) that the server keeps refusing ({@code 28P01}, {@code 28000}) is retried within the
     * {@link RotationWindow}: while the store answers the password just refused, the engine waits a jittered, growing
     * delay and tries it again (the database may not have it yet), until the window ends. Every retry counts in
     * {@link Metrics#getAuthRetries()} and every read of a stored password in {@link Metrics#getPasswordRefetches()}.
     * An IAM token, and a connect rejected with {@code 08004}, are retried at most once, with the credentials read
     * again. Any other failure ends the retries at once.
     *
     * @param refused the server's first refusal, kept as the {@link Opened#refused()} of a connect that then succeeds
     *     and as a suppressed exception of one that does not
     */
    private Opened retry(ConnectionRequest request, Resolution first, ConnectDeadline deadline, SQLException refused)
            throws SQLException {
        ConnectionRef ref = request.ref();
        LOG.log(Level.FINE, "realm ''{0}'', conn_id ''{1}'': credentials refused ({2}); reading them again and "
                + "retrying", new Object[] {ref.realm(), ref.connId(), refused.getSQLState()});
        long windowEnd = RotationWindow.end(deadline, ticker::read);
        long start = ticker.read();
        reuse.invalidateAll();
        first.invalidatePassword();
        Resolution last = first;
        SQLException refusal = refused;
        int tries = 0;
        int unchanged = 0;
        while (true) {
            Resolution again = resolver.resolve(ref, request.options(), deadline);
            boolean stored = again.connection().passwordSource() != ResolvedConnection.PasswordSource.IAM_TOKEN;
            if (stored) {
                metrics.passwordRefetched();
            }
            if (again.sameCredentials(last)) {
                if (!stored || !ConnectFailures.passwordRefused(refusal)) {
                    throw refusal;
                }
                // the store still answers the refused password: wait, then try it again
                Duration delay = rotation.delay(++unchanged);
                if (!RotationWindow.leavesTimeToTry(windowEnd, ticker.read(), delay)) {
                    throw stillRefused(refusal, tries + 1, ticker.read() - start);
                }
                pauseFor(delay, ref);
            } else {
                unchanged = 0;
            }
            metrics.authRetried();
            tries++;
            long retryStart = ticker.read();
            try {
                Connection c = PgDelegate.connect(pgjdbc, request.options(), again.connection(), env, true,
                        deadline);
                return new Opened(c, request, again, ticker.read() - retryStart, refused, 1 + tries, false);
            } catch (SQLException next) {
                if (next != refused) {
                    next.addSuppressed(refused);
                }
                if (!stored || !ConnectFailures.passwordRefused(next)) {
                    throw next;
                }
                refusal = next;
                last = again;
                reuse.invalidateAll();
                again.invalidatePassword();
            }
        }
    }

    /** Waits {@code delay}; an interrupt ends the connect (08001) with the thread's interrupt status kept. */
    private void pauseFor(Duration delay, ConnectionRef ref) throws SQLException {
        try {
            pause.pause(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errors.at(ref.realm(), ref.connId(), Errors.Step.CONNECT, Errors.UNABLE_TO_CONNECT,
                    "interrupted while waiting to retry a refused password", e);
        }
    }

    /**
     * @return the last refusal, saying that the password was read again and retried for the whole window: its
     *     SQLState, its cause (pgjdbc's exception) and what it suppressed (the first refusal)
     */
    private static SQLException stillRefused(SQLException last, int tries, long nanos) {
        SQLException e = new SQLException(last.getMessage() + ". Tried " + tries + (tries == 1 ? " time" : " times")
                + " over " + Duration.ofNanos(nanos).toSeconds() + " s, reading the password again from its store "
                + "each time, in case it was being rotated (the window is loginTimeout, else "
                + RotationWindow.DEFAULT_SECONDS + " s)", last.getSQLState(), last.getCause());
        for (Throwable suppressed : last.getSuppressed()) {
            e.addSuppressed(suppressed);
        }
        return e;
    }

    /** @return the engine's counters (the MBean's source) */
    public Metrics metrics() {
        return metrics;
    }

    private void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("lava-pg: this driver was deregistered (DriverManager.deregisterDriver) and its "
                    + "engine closed. Connect through a registered driver (DriverManager.getConnection) or a new "
                    + "LavaPgDataSource", Errors.UNABLE_TO_CONNECT);
        }
    }

    /**
     * Ends the engine: forgets reusable resolutions, empties the caches, closes the AWS clients and credential
     * providers (their SDK threads end), unregisters the MBean and ends the engine's fetch and refresh threads. Idempotent; never
     * throws.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        reuse.clear();
        caches.invalidateAll();
        sources.close();
        metrics.unregister();
        if (ownFetches != null) {
            ownFetches.shutdownNow();
        }
        if (ownRefreshes != null) {
            ownRefreshes.shutdownNow();
        }
    }
}
