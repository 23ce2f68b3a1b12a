package io.lava.jdbc.examples.benchmarks;

import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The benchmark run: starts a throwaway PostgreSQL (TLS on) and the local AWS endpoint (in-memory DynamoDB, SSM and
 * Secrets Manager stubs), sets up the {@link Fixture}, measures the six rows and prints one table, headed by the
 * machine it ran on. Everything is local and stopped at the end.
 *
 * <p>Run from the repository root: {@code mvn -B -q -DskipTests -pl examples/benchmarks -am package exec:java}
 * (add {@code -Dbench.quick=true} for a smoke run; other knobs: {@link BenchSettings}). Rows 1 to 3 are JMH
 * benchmarks in forked JVMs ({@link JmhRows}); row 4 runs in this JVM ({@link Storm}); row 5 times six kinds of child
 * JVMs ({@link ColdStart}); row 6 reads jar sizes ({@link Sizes}); row 7 is a soak under random AWS faults ({@link Soak});
 * row 8 a fleet of fresh JVMs against a rate-limited SSM ({@link Fleet}). {@code -Dbench.rows=7,8} runs only those
 * (rows 1 to 3 are {@code 1}; 5 also gives 6; {@code 1p} gives the operator-policy rows 1p and 1pc,
 * {@link PolicyConnect}). JMH's own report goes to
 * {@code examples/benchmarks/target/bench/jmh.log}.
 */
public final class Benchmarks {
    private static final Instant START = Instant.now();

    private Benchmarks() {
    }

    /**
     * @param args none
     * @throws Exception when the servers cannot start or JMH cannot run
     */
    public static void main(String[] args) throws Exception {
        BenchSettings settings = BenchSettings.from(System.getProperties());
        // row 4 reads the driver's counters over JMX: with the platform MBean server built before the first connect,
        // the driver registers its MBean at once (otherwise a few seconds later)
        ManagementFactory.getPlatformMBeanServer();
        Path moduleDir = Path.of(System.getProperty("bench.moduleDir", "examples/benchmarks")).toAbsolutePath();
        String version = System.getProperty("bench.driverVersion", "1.0.0-SNAPSHOT");
        Path work = moduleDir.resolve("target/bench");
        Files.createDirectories(work);
        clearNotes(work);
        String loadBefore = loadAverage();

        progress("starting a throwaway PostgreSQL (TLS on) and the local AWS endpoints");
        try (LocalPostgres pg = Fixture.server().start();
             LocalAws aws = LocalAws.start();
             Fixture fixture = Fixture.create(pg, aws, work)) {
            String server = serverVersion(fixture.env());

            Map<String, JmhRows.Score> scores = Map.of();
            if (settings.runs("1")) {
                progress("rows 1-3: JMH (" + settings.describeJmh(jmhVersion()) + "), " + JmhRows.BENCHMARKS.size()
                        + " benchmarks, report in " + moduleDir.relativize(work.resolve("jmh.log")));
                scores = JmhRows.run(settings, fixture.file(), work.resolve("jmh.log"));
            }
            Report report = new Report(scores, work);
            if (settings.runs("1")) {
                report.jmhRows();
            }

            if (settings.runs("1p")) {
                progress("rows 1p, 1pc: warm connect with and without an operator policy, " + settings.policyRounds()
                        + " rounds of 3 JVMs in lockstep");
                try {
                    report.policyRows(PolicyConnect.run(fixture.env(), fixture.file(), settings,
                            JmhRows.classpath(Benchmarks.class.getClassLoader(), System.getProperty("java.class.path")),
                            work));
                } catch (Exception e) {
                    report.policyRowsFailed(BenchEnv.reason(e));
                }
            }

            if (settings.runs("4")) {
                progress("row 4: storm, " + settings.stormThreads() + " threads x " + settings.stormConnects()
                        + " connects on a fresh conn_id");
                try {
                    report.storm(Storm.run(fixture, settings.stormThreads(), settings.stormConnects()));
                } catch (Exception e) {
                    report.stormFailed(BenchEnv.reason(e));
                }
            }

            Sizes sizes;
            try {
                sizes = Sizes.find(moduleDir, version);
            } catch (IOException e) {
                sizes = null;
                report.coldStartFailed(e.getMessage());
                report.sizesFailed(e.getMessage());
            }
            if (sizes != null && settings.runs("5")) {
                progress("row 5: cold start, " + settings.coldStartRuns() + " rounds of 8 fresh JVMs, then untimed "
                        + "runs for the JVM counters, the check's peak RSS and the timeline");
                try {
                    report.coldStart(ColdStart.run(fixture.env(), AlternativeJars.find(moduleDir, sizes),
                            settings.coldStartRuns(), work));
                } catch (IOException e) {
                    report.coldStartFailed(e.getMessage());
                }
                report.sizes(sizes);
            }

            if (settings.runs("7")) {
                progress("row 7: soak, " + settings.soakThreads() + " threads for " + settings.soakSeconds() + " s, "
                        + settings.soakFaultPercent() + " % of AWS calls faulted, 1 s TTLs");
                try {
                    report.soak(Soak.run(fixture, settings.soakThreads(), settings.soakSeconds(),
                            settings.soakFaultPercent()));
                } catch (Exception e) {
                    report.soakFailed(BenchEnv.reason(e));
                }
            }
            if (sizes != null && settings.runs("8")) {
                progress("row 8: fleet, " + settings.fleetSize() + " fresh JVMs at once, GetParameter held to "
                        + settings.fleetRate() + "/s");
                try {
                    report.fleet(Fleet.run(fixture, sizes, settings.fleetSize(), settings.fleetRate(), work));
                } catch (Exception e) {
                    report.fleetFailed(BenchEnv.reason(e));
                }
            }

            System.out.println();
            System.out.println("lava-pg-jdbc " + version + " benchmarks, " + START + ", took "
                    + Duration.between(START, Instant.now()).toSeconds() + " s");
            System.out.println("machine: " + machine() + "; load average " + loadBefore + " at start, "
                    + loadAverage() + " at end");
            System.out.println("server: " + server + ", local, TLS (sslmode=verify-full); AWS: WireMock "
                    + "DynamoDB/SSM/Secrets Manager stand-ins on loopback");
            System.out.println("settings: " + settings.describeJmh(jmhVersion()) + "; rows 1, 3: medians of "
                    + "interleaved pairs, ratio = median of per-pair ratios lava-pg / baseline (95% CI); row 2: JMH "
                    + "mean +- 99.9% error; row 2b: median resolve, ratio = median of resolve / connect (95% CI); rows 1p, "
                    + "1pc: " + settings.policyRounds() + " rounds of 3 fresh JVMs in lockstep, warm-up and measurement "
                    + "as JMH's, ratio = median of per-pair ratios (95% CI)");
            System.out.println();
            System.out.print(report.render());
        }
    }

    private static void progress(String what) {
        System.out.printf(Locale.ROOT, "[bench %4ds] %s%n", Duration.between(START, Instant.now()).toSeconds(),
                what);
    }

    /** Cores, CPU model, JDK and OS. */
    static String machine() {
        String cpu = "";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().map(m -> " (" + m + ")").orElse("");
        } catch (IOException | RuntimeException e) {
            // not Linux: cores only
        }
        return Runtime.getRuntime().availableProcessors() + " cores" + cpu + ", " + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor") + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + ", " + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                + " MiB max heap in the harness JVM";
    }

    private static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load);
    }

    private static String jmhVersion() {
        Package p = org.openjdk.jmh.runner.Runner.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "1.37" : v;
    }

    private static String serverVersion(BenchEnv env) {
        Properties info = env.tls();
        info.setProperty("user", BenchEnv.ROLE_SSM);
        info.setProperty("password", env.password(BenchEnv.ROLE_SSM));
        try (Connection c = DriverManager.getConnection(env.serverUrl("jdbc:postgresql:"), info);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("show server_version")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1);
        } catch (SQLException e) {
            return "PostgreSQL (version unknown: " + e.getSQLState() + ")";
        }
    }

    private static void clearNotes(Path work) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(work, "*.{note,failure,baseline-failure,pairs}")) {
            for (Path file : files) {
                Files.delete(file);
            }
        }
    }
}
