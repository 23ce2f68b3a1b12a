package io.lava.jdbc.it.failures;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * Runs connects through whatever lava-pg-jdbc jar is on the class path and writes down how each ended. Launched by
 * {@link ErrorShapesIT} in a JVM of its own, in source-file mode ({@code java -cp <jar> ErrorShapesProbe.java ...}), so
 * that the class path holds nothing but the jar under test: this file uses the JDK only and reaches the driver through
 * {@link DriverManager} and reflection.
 *
 * <p>Arguments: a cases file, one case a line ({@code id<TAB>driver|datasource<TAB>url}), and the results file to
 * write ({@link Properties}, keys {@code <id>.<field>}): {@code outcome} ({@code connected}, {@code SQLException} or
 * the class of any other throwable), {@code millis}, and for failures {@code sqlState}, {@code message},
 * {@code cause} (class of the cause), {@code causeTypes} (its superclasses), {@code causeChain} (every cause down the
 * chain), {@code awsErrorCode}, {@code awsStatus} and {@code attempts} (read reflectively from an AWS SDK cause).
 * Cases run one after the other.
 */
public final class ErrorShapesProbe {
    private ErrorShapesProbe() {
    }

    /**
     * @param args the cases file and the results file
     * @throws IOException when either file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Properties results = new Properties();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\t", 3);
            run(fields[0], fields[1], fields[2], results);
        }
        try (OutputStream out = Files.newOutputStream(Path.of(args[1]))) {
            results.store(out, "lava-pg-jdbc error shapes");
        }
    }

    private static void run(String id, String via, String url, Properties results) {
        long start = System.nanoTime();
        try (Connection c = connect(via, url)) {
            results.setProperty(id + ".outcome", c.isValid(5) ? "connected" : "invalid connection");
        } catch (SQLException e) {
            results.setProperty(id + ".outcome", "SQLException");
            results.setProperty(id + ".sqlState", String.valueOf(e.getSQLState()));
            results.setProperty(id + ".message", String.valueOf(e.getMessage()));
            describeCause(id, e.getCause(), results);
        } catch (Throwable t) {
            // an Error or an unchecked exception: exactly what must never reach a JDBC caller
            results.setProperty(id + ".outcome", t.getClass().getName());
            results.setProperty(id + ".message", String.valueOf(t.getMessage()));
            describeCause(id, t.getCause(), results);
        }
        results.setProperty(id + ".millis", String.valueOf((System.nanoTime() - start) / 1_000_000));
    }

    private static Connection connect(String via, String url) throws Exception {
        if ("datasource".equals(via)) {
            Object ds = Class.forName("io.lava.jdbc.LavaPgDataSource").getConstructor().newInstance();
            ds.getClass().getMethod("setUrl", String.class).invoke(ds, url);
            return ((DataSource) ds).getConnection();
        }
        return DriverManager.getConnection(url);
    }

    private static void describeCause(String id, Throwable cause, Properties results) {
        if (cause == null) {
            return;
        }
        results.setProperty(id + ".cause", cause.getClass().getName());
        List<String> types = new ArrayList<>();
        for (Class<?> type = cause.getClass(); type != null; type = type.getSuperclass()) {
            types.add(type.getName());
        }
        results.setProperty(id + ".causeTypes", String.join(",", types));
        List<String> chain = new ArrayList<>();
        for (Throwable t = cause; t != null && chain.size() < 10; t = t.getCause()) {
            chain.add(t.getClass().getName() + ": " + t.getMessage());
        }
        results.setProperty(id + ".causeChain", String.join("\n", chain));
        Object details = call(cause, "awsErrorDetails");
        if (details != null) {
            results.setProperty(id + ".awsErrorCode", String.valueOf(call(details, "errorCode")));
            results.setProperty(id + ".awsStatus", String.valueOf(call(cause, "statusCode")));
        }
        Object attempts = call(cause, "numAttempts");
        if (attempts != null) {
            results.setProperty(id + ".attempts", attempts.toString());
        }
    }

    /** @return the result of a public no-argument method, or {@code null} when there is none */
    private static Object call(Object target, String method) {
        try {
            Method m = target.getClass().getMethod(method);
            return m.invoke(target);
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
            return null;
        }
    }
}
