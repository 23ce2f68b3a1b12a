package io.lava.jdbc.examples.benchmarks;

import io.lava.jdbc.LavaPgDriverMXBean;
import io.lava.jdbc.internal.hook.TestHook;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Driver;
import java.sql.DriverManager;
import java.util.Properties;

/**
 * One JVM of row 1p ({@link PolicyConnect}): a warm lava-pg connect on command, so the harness can pair connects of
 * JVMs that differ only in the operator policy the engine read when it started ({@code -Dio.lava.jdbc.policy=...} on
 * one of them). Reaches the driver through {@link DriverManager#getDriver} and {@link Driver#connect}, as row 1 does,
 * and reads the engine's counters through {@link TestHook#metrics}.
 *
 * <p>{@code java -Dbench.fixture=<file> [-Dio.lava.jdbc.policy=<file>] ... PolicyConnectChild <url>}: makes one
 * connect (record, parameter and AWS clients cached), prints {@code ready <policy file or ->}, then reads one command
 * a line from standard input: {@code c} opens and closes one connection and prints its time in nanoseconds;
 * {@code m} prints {@code metrics <AWS calls> <token mints> <resolutions reused>}; {@code q} exits. A failed connect
 * prints {@code error <reason>} and exits with status 1.
 */
public final class PolicyConnectChild {
    private PolicyConnectChild() {
    }

    /**
     * @param args the URL to connect to
     * @throws Exception when the first connect fails (the harness quotes the error output)
     */
    public static void main(String[] args) throws Exception {
        BenchEnv.load();
        String url = args[0];
        Properties info = new Properties();
        Driver driver = DriverManager.getDriver(url);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        driver.connect(url, info).close();
        String policy = TestHook.metrics().getPolicyFile();
        out.println("ready " + (policy == null || policy.isEmpty() ? "-" : policy));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("q"); line = in.readLine()) {
            if (line.equals("c")) {
                try {
                    long start = System.nanoTime();
                    driver.connect(url, info).close();
                    out.println(System.nanoTime() - start);
                } catch (Exception e) {
                    out.println("error " + BenchEnv.reason(e));
                    System.exit(1);
                }
            } else if (line.equals("m")) {
                LavaPgDriverMXBean m = TestHook.metrics();
                out.println("metrics " + (m.getDynamoDbCalls() + m.getSsmCalls() + m.getSecretsManagerCalls()) + " "
                        + m.getTokenMints() + " " + m.getResolutionsReused());
            } else {
                out.println("error unknown command " + line);
            }
        }
    }
}
