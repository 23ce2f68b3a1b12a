package io.lava.jdbc;

import io.lava.jdbc.internal.engine.PreparedConnection;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.Version;
import io.lava.jdbc.internal.engine.Engine;
import io.lava.jdbc.internal.engine.EngineDriver;
import io.lava.jdbc.internal.engine.SharedEngine;
import io.lava.jdbc.internal.request.ConnectionRef;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.runtime.ObjectMethods;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * JDBC driver for {@code jdbc:lava-pg:<realm>/<conn_id>} URLs: reads the lava connection record, resolves its
 * credentials (SSM SecureString, Secrets Manager, or an RDS IAM token over enforced TLS) and returns pgjdbc's own
 * {@link java.sql.Connection} to the database it describes, so {@code unwrap(PGConnection.class)} works and the metadata says
 * {@code PostgreSQL}.
 *
 * <p>Registered with {@link DriverManager} by {@code META-INF/services/java.sql.Driver} and by this class's static
 * initializer. URL grammar: {@link ConnectionRef}; properties: {@link LavaPgProperty} (every other property passes
 * through to pgjdbc). Records, parameter values, secrets and IAM tokens are cached by the class loader's engine
 * ({@link Engine}; TTLs: {@code recordTtl} 60 s, {@code parameterTtl} and {@code secretTtl} 300 s,
 * {@code iamTokenTtl} 840 s), shared by every driver instance and {@link LavaPgDataSource} of the class loader; a
 * connect with the same URL and properties as an earlier one reuses that connect's resolution while every cached value
 * in it is current ({@link io.lava.jdbc.internal.engine.ReusedResolutions}). Thread-safe; keeps no per-connection state.
 *
 * <p><b>Lifecycle.</b> The engine is built by the first connect. Deregistering the registered instance
 * ({@code DriverManager.deregisterDriver}, as Tomcat, Jetty and WildFly do when they undeploy a web application, or
 * {@link #deregister()}) closes it: AWS clients and credential providers and their threads, caches, the JMX MBean. After
 * that the deregistered instance refuses connects ({@code 08001}); another instance or a data source of the same class
 * loader builds a new engine, so nothing of the driver stays reachable once the application stops connecting. On
 * JDK 17 deregistering also makes the JDK let go of the last record class whose methods were linked, often one of
 * the driver's, which would otherwise keep the undeployed application's class loader reachable, and with it pgjdbc's
 * cleaner thread ({@code Cleaner-N}).
 *
 * <p>Errors are {@link SQLException}s whose message names the realm, conn_id and failing step:
 * {@code 08001} (URL, record, AWS source unreachable, invalid record), {@code 28000} (record not enabled, no password,
 * AWS access denied, parameter outside the realm), {@code 0A000} (an {@code s3://} CA bundle in the record), and
 * pgjdbc's own SQLState when the server refuses the connection (e.g. {@code 28P01}).
 *
 * <p>When the server refuses the credentials ({@code 28P01}, {@code 28000}, {@code 08004}), the connect drops the
 * record, parameter value, secret and token it used from the caches, resolves them again and retries once, so a
 * rotated password is picked up without an operator; a second refusal is reported as such.
 */
public class LavaPgDriver extends EngineDriver implements Driver {
    private static final Logger PARENT_LOGGER = Logger.getLogger("io.lava.jdbc");
    private static final Logger LOG = Logger.getLogger(LavaPgDriver.class.getName());

    /** Guards {@link #registered}. */
    private static final Object LOCK = new Object();
    /** The instance registered with {@link DriverManager}, or {@code null}. Guarded by {@link #LOCK}. */
    private static LavaPgDriver registered;

    static {
        try {
            register();
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "could not register io.lava.jdbc.LavaPgDriver with DriverManager", e);
        }
    }

    /** The engine this instance connects through, or {@code null} for the class loader's shared one. */
    private final Engine engine;
    private volatile boolean deregistered;

    /** Creates a driver that connects through the class loader's shared engine (built on first use). */
    public LavaPgDriver() {
        super(LavaPgDriver::engineOf);
        this.engine = null;
    }

    /** @param engine an engine of the caller's (tests), used instead of the shared one and never closed here */
    LavaPgDriver(Engine engine) {
        super(LavaPgDriver::engineOf);
        this.engine = engine;
    }

    private static Engine engineOf(EngineDriver driver) throws SQLException {
        return ((LavaPgDriver) driver).engine();
    }

    /**
     * Registers a new driver instance with {@link DriverManager}, with a {@link java.sql.DriverAction} that closes the
     * shared engine when it is deregistered. The class's static initializer calls this once; call it again only after
     * {@link #deregister()} (pgjdbc's {@code Driver.register()} pattern).
     *
     * @throws IllegalStateException when a driver of this class loader is already registered
     * @throws SQLException as {@link DriverManager#registerDriver(Driver, java.sql.DriverAction)}
     */
    public static void register() throws SQLException {
        synchronized (LOCK) {
            if (registered != null) {
                throw new IllegalStateException("io.lava.jdbc.LavaPgDriver is already registered; deregister() it "
                        + "first");
            }
            LavaPgDriver driver = new LavaPgDriver();
            DriverManager.registerDriver(driver, driver::deregistered);
            registered = driver;
        }
    }

    /**
     * Deregisters the driver {@link #register()} registered, which closes the shared engine (as
     * {@code DriverManager.deregisterDriver} does when an application server undeploys a web application).
     *
     * @throws IllegalStateException when no driver of this class loader is registered
     * @throws SQLException as {@link DriverManager#deregisterDriver(Driver)}
     */
    public static void deregister() throws SQLException {
        LavaPgDriver driver;
        synchronized (LOCK) {
            driver = registered;
        }
        if (driver == null) {
            throw new IllegalStateException("io.lava.jdbc.LavaPgDriver is not registered; register() it first");
        }
        DriverManager.deregisterDriver(driver);
    }

    /** @return whether a driver of this class loader is registered with {@link DriverManager} */
    public static boolean isRegistered() {
        synchronized (LOCK) {
            return registered != null;
        }
    }

    /**
     * The {@link java.sql.DriverAction} of the registered instance: this instance refuses further connects, and the
     * shared engine is closed — AWS clients and credential providers (their threads end), caches, the MBean. A later
     * connect through another instance or a {@link LavaPgDataSource} of this class loader builds a new engine.
     */
    private void deregistered() {
        deregistered = true;
        synchronized (LOCK) {
            if (registered == this) {
                registered = null;
            }
        }
        SharedEngine.close();
        releaseRecordMethods();
    }

    /**
     * On JDK 17, makes the JDK forget the last record class whose {@code equals}, {@code hashCode} or
     * {@code toString} was linked. Those methods are bootstrapped by {@link ObjectMethods}, which adapts a few method
     * handles shared by the whole JVM ({@code ObjectMethods.OBJECT_EQ}, {@code OBJECTS_EQUALS},
     * {@code OBJECTS_HASHCODE}, {@code OBJECTS_TOSTRING}) to the record's types; each such handle keeps its last
     * adaptation ({@code MethodHandle.asTypeCache}) strongly. After a redeploy the last record linked is often one of
     * the driver's (its caches' keys are records), so the undeployed application's class loader stays reachable from
     * a class of the JDK, and with it every static of the application: pgjdbc's {@code LazyCleanerImpl} keeps its
     * {@code java.lang.ref.Cleaner} (thread {@code Cleaner-N}) alive through one. Since JDK 18 an
     * adaptation to classes of another loader is kept only softly, so the JVM drops it by itself at the latest when it
     * needs the memory (soft references are cleared before an {@code OutOfMemoryError}, metaspace included).
     *
     * <p>Input: none; runs when the registered driver is deregistered, after the engine is closed (no more of the
     * driver's records are linked after that). Output: none; the shared handles are adapted once more, to
     * {@link String}, a class of the boot loader, which replaces the application's class in each cache. On JDK 18 and
     * later it does nothing. Never throws: a JDK that refuses the call leaves at most that one loader behind, which
     * the next record linked anywhere in the JVM releases. Evidence: {@code RedeployIT} (heap path
     * {@code ObjectMethods.OBJECT_EQ.asTypeCache -> MethodType -> Caches$Settings -> the application's loader}
     * without this call).
     */
    private static void releaseRecordMethods() {
        if (Runtime.version().feature() >= 18) {
            return;
        }
        MethodHandle getter = MethodHandles.identity(String.class);
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        try {
            ObjectMethods.bootstrap(lookup, "equals", MethodType.methodType(boolean.class, String.class, Object.class),
                    String.class, "value", getter);
            ObjectMethods.bootstrap(lookup, "hashCode", MethodType.methodType(int.class, String.class), String.class,
                    "value", getter);
            ObjectMethods.bootstrap(lookup, "toString", MethodType.methodType(String.class, String.class),
                    String.class, "value", getter);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            LOG.log(Level.FINE, "could not release the JDK's record method handles", e);
        }
    }

    /**
     * @return the engine this driver connects through
     * @throws SQLException (08001) when this instance was deregistered
     */
    Engine engine() throws SQLException {
        if (engine != null) {
            return engine;
        }
        if (deregistered) {
            throw new SQLException("lava-pg: this driver instance was deregistered (DriverManager.deregisterDriver) "
                    + "and its engine closed. Connect through DriverManager.getConnection, a new LavaPgDriver or a "
                    + "LavaPgDataSource", Errors.UNABLE_TO_CONNECT);
        }
        return SharedEngine.get();
    }

    /**
     * Everything a connect does before pgjdbc runs: parse the URL and properties, then resolve record and credentials
     * through the caches, or reuse an earlier connect's result while it is current ({@link io.lava.jdbc.internal.engine.ReusedResolutions}).
     *
     * @param url a {@code jdbc:lava-pg:} URL
     * @param info the tool's properties, may be {@code null}
     * @return the parsed request and its resolution
     * @throws SQLException as {@link #connect}, for the steps before the connect itself
     */
    PreparedConnection resolve(String url, Properties info) throws SQLException {
        return engine().resolve(url, info);
    }

    // connect(String, Properties) is inherited from EngineDriver, and must stay there: declared in this class, the
    // OpenTelemetry Java agent would record this driver's URL for the connection, over pgjdbc's (EngineDriver's
    // description, docs/opentelemetry.md)

    /** @return whether {@code url} starts with {@code jdbc:lava-pg:}; never throws */
    @Override
    public boolean acceptsURL(String url) {
        return ConnectionRef.accepts(url);
    }

    /**
     * Lists the driver's own properties ({@link LavaPgProperty}: name, current or default value, description), followed
     * by pgjdbc's. Never throws for a {@code jdbc:lava-pg:} URL, however malformed, nor for {@code null} or empty
     * {@code info}. Password values are never returned.
     *
     * @param url the URL being configured; its query parameters are shown as current values
     * @param info the tool's current properties, may be {@code null}
     * @return the properties, never {@code null}
     */
    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        Properties current = new Properties();
        if (info != null) {
            for (String key : info.stringPropertyNames()) {
                current.setProperty(key, info.getProperty(key));
            }
        }
        if (acceptsURL(url)) {
            try {
                Properties parsed = new Properties();
                parsed.putAll(ConnectionRef.parse(url, current, key -> null).properties());
                current = parsed;
            } catch (SourceException e) {
                // a half-typed URL: show what the properties say
            }
        }
        current.remove("password");
        current.remove("sslpassword");
        List<DriverPropertyInfo> all = new ArrayList<>();
        for (LavaPgProperty property : LavaPgProperty.values()) {
            all.add(property.toDriverPropertyInfo(current));
        }
        try {
            for (DriverPropertyInfo pg : new org.postgresql.Driver().getPropertyInfo("jdbc:postgresql:", current)) {
                if (pg.name.toLowerCase(Locale.ROOT).contains("password")) {
                    pg.value = null;
                }
                all.add(pg);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "pgjdbc getPropertyInfo failed", e);
        }
        return all.toArray(new DriverPropertyInfo[0]);
    }

    /** @return the major version of this build */
    @Override
    public int getMajorVersion() {
        return Version.MAJOR;
    }

    /** @return the minor version of this build */
    @Override
    public int getMinorVersion() {
        return Version.MINOR;
    }

    /** @return {@code false}: the driver has not passed the JDBC compliance tests (neither does pgjdbc claim it) */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    /** @return the JUL logger {@code io.lava.jdbc}, parent of every logger in the driver */
    @Override
    public Logger getParentLogger() {
        return PARENT_LOGGER;
    }

    @Override
    public String toString() {
        return "lava-pg-jdbc " + Version.FULL;
    }
}
