package io.lava.jdbc.internal;

import io.lava.jdbc.LavaPgDriverMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * One engine's counters, exposed over JMX as {@code io.lava.jdbc:type=LavaPgDriver} while the engine is open
 * ({@link #register()}, {@link #unregister()}). Thread-safe.
 */
final public class Metrics implements LavaPgDriverMXBean {
    private static final Logger LOG = Logger.getLogger(Metrics.class.getName());

    /** The JMX name of the driver's MBean. */
    public static final String OBJECT_NAME = "io.lava.jdbc:type=LavaPgDriver";

    /** What a cache holds. */
    public enum Kind {
        RECORD, PARAMETER, SECRET, TOKEN, CA_BUNDLE
    }

    /** The AWS services whose API calls are counted. */
    public enum Service {
        DYNAMODB, SSM, SECRETS_MANAGER, S3
    }

    private final LongAdder[] hits = adders(Kind.values().length);
    private final LongAdder[] misses = adders(Kind.values().length);
    private final LongAdder stale = new LongAdder();
    private final LongAdder refreshFailures = new LongAdder();
    private final LongAdder[] awsCalls = adders(Service.values().length);
    private final LongAdder tokenMints = new LongAdder();
    private final LongAdder authRetries = new LongAdder();
    private final LongAdder droppedOnAnswer = new LongAdder();
    private final LongAdder passwordRefetches = new LongAdder();
    private final LongAdder reused = new LongAdder();
    private volatile String policyFile = "";
    private volatile String policySha256 = "";

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** Whether {@link #register()} registered this instance (and {@link #unregister()} must remove it). */
    // guarded by this
    private boolean registered;
    /** Whether {@link #unregister()} ran: a registration still under way must not add the MBean after it. */
    // guarded by this
    private boolean unregistered;

    /** How long {@link #registerSoon} waits before registering in a JVM that has no platform MBean server yet. */
    public static final Duration REGISTRATION_DELAY = Duration.ofSeconds(5);

    /** The thread waiting to register, or {@code null}. Guarded by this. */
    private Thread pending;

    /**
     * Registers these counters ({@link #register()}) now when the JVM already has its platform MBean server (a JMX
     * agent, an application server, a pool or framework that registers MBeans), and otherwise from a daemon thread
     * ({@code lava-pg-jmx}) after {@code delay}. Building a fresh JVM's platform MBean server loads several hundred JDK
     * classes, about 0.1 s of CPU (the benchmark's row 5): this keeps it off the first connect, and a JVM that ends
     * sooner (a command-line run, a short job) never pays for it. {@link #unregister()} before the delay ends the
     * thread without registering.
     *
     * @param delay how long to wait when there is no platform MBean server yet ({@link #REGISTRATION_DELAY})
     */
    public void registerSoon(Duration delay) {
        registerSoon(delay, !MBeanServerFactory.findMBeanServer(null).isEmpty());
    }

    /** As {@link #registerSoon(Duration)}, told whether the JVM has its platform MBean server (tests). */
    void registerSoon(Duration delay, boolean serverExists) {
        if (serverExists) {
            register();
            return;
        }
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                return; // unregistered first
            }
            register();
        }, "lava-pg-jmx");
        t.setDaemon(true);
        t.setContextClassLoader(Metrics.class.getClassLoader());
        synchronized (this) {
            if (unregistered) {
                return;
            }
            pending = t;
        }
        t.start();
    }

    /**
     * Registers these counters with the platform MBean server as {@value #OBJECT_NAME}, unless another engine of this
     * JVM (another class loader's driver) holds the name or {@link #unregister()} already ran; failures are logged at
     * FINE only.
     */
    public void register() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(OBJECT_NAME);
            synchronized (this) {
                if (!unregistered && !server.isRegistered(name)) {
                    server.registerMBean(this, name);
                    registered = true;
                }
            }
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.FINE, "could not register the " + OBJECT_NAME + " MBean", e);
        }
    }

    /**
     * Removes the MBean if {@link #register()} added it, and keeps a registration still under way from adding it.
     * Idempotent; never throws.
     */
    public synchronized void unregister() {
        unregistered = true;
        if (pending != null) {
            pending.interrupt();
            pending = null;
        }
        if (!registered) {
            return;
        }
        registered = false;
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(new ObjectName(OBJECT_NAME));
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.FINE, "could not unregister the " + OBJECT_NAME + " MBean", e);
        }
    }

    public void hit(Kind kind) {
        hits[kind.ordinal()].increment();
    }

    public void miss(Kind kind) {
        misses[kind.ordinal()].increment();
    }

    /** Counts a successful read from the source, in the foreground or a background refresh. */
    public void loaded(Kind kind) {
        if (kind == Kind.TOKEN) {
            tokenMints.increment();
        }
    }

    public void staleServed() {
        stale.increment();
    }

    public void refreshFailed() {
        refreshFailures.increment();
    }

    /** Counts one more connect attempt after the server refused the credentials. */
    public void authRetried() {
        authRetries.increment();
    }

    /** Counts a cached value dropped because its source answered that it no longer holds. */
    public void droppedOnAnswer() {
        droppedOnAnswer.increment();
    }

    /** Counts a read of a password (SSM parameter or secret) past its cache after the server refused it. */
    public void passwordRefetched() {
        passwordRefetches.increment();
    }

    public void resolutionReused() {
        reused.increment();
    }

    /**
     * @param service the service of the client the interceptor is added to
     * @return an SDK interceptor that counts that client's API calls (once per call, not per retry attempt)
     */
    public ExecutionInterceptor callCounter(Service service) {
        LongAdder calls = awsCalls[service.ordinal()];
        return new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                calls.increment();
            }
        };
    }

    @Override
    public long getRecordCacheHits() {
        return hits[Kind.RECORD.ordinal()].sum();
    }

    @Override
    public long getRecordCacheMisses() {
        return misses[Kind.RECORD.ordinal()].sum();
    }

    @Override
    public long getParameterCacheHits() {
        return hits[Kind.PARAMETER.ordinal()].sum();
    }

    @Override
    public long getParameterCacheMisses() {
        return misses[Kind.PARAMETER.ordinal()].sum();
    }

    @Override
    public long getSecretCacheHits() {
        return hits[Kind.SECRET.ordinal()].sum();
    }

    @Override
    public long getSecretCacheMisses() {
        return misses[Kind.SECRET.ordinal()].sum();
    }

    @Override
    public long getStaleValuesServed() {
        return stale.sum();
    }

    @Override
    public long getRefreshFailures() {
        return refreshFailures.sum();
    }

    @Override
    public long getDynamoDbCalls() {
        return awsCalls[Service.DYNAMODB.ordinal()].sum();
    }

    @Override
    public long getSsmCalls() {
        return awsCalls[Service.SSM.ordinal()].sum();
    }

    @Override
    public long getSecretsManagerCalls() {
        return awsCalls[Service.SECRETS_MANAGER.ordinal()].sum();
    }

    @Override
    public long getTokenMints() {
        return tokenMints.sum();
    }

    @Override
    public long getValuesDroppedOnAnswer() {
        return droppedOnAnswer.sum();
    }

    @Override
    public long getPasswordRefetches() {
        return passwordRefetches.sum();
    }

    @Override
    public long getAuthRetries() {
        return authRetries.sum();
    }

    @Override
    public long getResolutionsReused() {
        return reused.sum();
    }

    /**
     * Records the operator policy in force, for the MBean.
     *
     * @param file the policy file, or {@code null} for none
     * @param sha256 its SHA-256 (hex), or {@code null}
     */
    public void policy(String file, String sha256) {
        this.policyFile = file == null ? "" : file;
        this.policySha256 = sha256 == null ? "" : sha256;
    }

    @Override
    public String getPolicyFile() {
        return policyFile;
    }

    @Override
    public String getPolicySha256() {
        return policySha256;
    }

    @Override
    public String getVersion() {
        return Version.FULL;
    }

    @Override
    public String getCommit() {
        return Version.COMMIT;
    }
}
