package io.lava.jdbc.internal;

import io.lava.jdbc.LavaPgDriver;
import io.lava.jdbc.LavaPgDriverMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.JMException;
import javax.management.MBeanServer;
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
    private final LongAdder reused = new LongAdder();

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** Whether {@link #register()} registered this instance (and {@link #unregister()} must remove it). */
    private volatile boolean registered;

    /**
     * Registers these counters with the platform MBean server as {@value #OBJECT_NAME}, unless another engine of this
     * JVM (another class loader's driver) holds the name; failures are logged at FINE only.
     */
    public void register() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(OBJECT_NAME);
            if (!server.isRegistered(name)) {
                server.registerMBean(this, name);
                registered = true;
            }
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.FINE, "could not register the " + OBJECT_NAME + " MBean", e);
        }
    }

    /** Removes the MBean if {@link #register()} added it. Idempotent; never throws. */
    public void unregister() {
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

    public void authRetried() {
        authRetries.increment();
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
    public long getAuthRetries() {
        return authRetries.sum();
    }

    @Override
    public long getResolutionsReused() {
        return reused.sum();
    }
}
