package io.lava.jdbc.it.packaging;

import io.lava.jdbc.testing.Slow;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.it.credentials.StsStub;
import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.it.packaging.redeploy.RedeployServer;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.ChildJvm;
import io.lava.jdbc.testing.ChildJvm.Run;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drop-in jar in an application server that redeploys the application that bundles it: {@link RedeployServer}
 * runs in a JVM of its own, with only its own class on the class path, and deploys {@link
 * io.lava.jdbc.it.packaging.redeploy.RedeployWebapp} with the {@code -all} jar {@value #CYCLES} times, each time in a fresh class
 * loader, connecting through every path that starts threads in real use (DynamoDB and SSM, Secrets Manager, an RDS IAM
 * token, a profile that assumes a role, a web-identity profile, {@code verify-full} TLS with the record's CA file).
 * Each undeploy deregisters the application's drivers as Tomcat does, and nothing else. Afterwards every loader must
 * be collectable, and neither a thread nor an MBean of the driver may be left.
 *
 * <p>The control: the same server and application with pgjdbc's own jar alone, connecting through
 * {@code jdbc:postgresql:} URLs (plain and {@code verify-full}), must leave nothing either, so that the harness is
 * known to see every loader collected that a real server would, and a loader left by the driver is the driver's.
 * What both runs share: pgjdbc (in both jars, unrelocated) starts a {@code java.lang.ref.Cleaner} per class loader,
 * thread {@code Cleaner-N}, from {@code org.postgresql.util.LazyCleanerImpl}'s static initializer (its Java 11
 * variant, the jars being multi-release); that thread ends once the loader holding its {@code Cleaner} is collected,
 * so it is left exactly when the loader is. The server itself links nothing after the last undeploy: on JDK 17 the
 * last record class whose methods were linked stays reachable from the JDK, and the driver, not the
 * harness, has to release it ({@code LavaPgDriver} does when deregistered).
 *
 * <p>To look into a failure: {@code -Dredeploy.heapDump=<file>} has the server write a heap dump of live objects when
 * something is left; {@code -Dredeploy.jvmOptions="<options>"} adds options to the server's JVM (e.g. a flight
 * recording, whose {@code jdk.ThreadStart} events show which code started each thread); {@code -Dredeploy.java=<java
 * executable>} runs the server on another JDK (e.g. 25) than the tests'.
 */
@Slow
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class RedeployIT {
    private static final int CYCLES = 5;
    private static final String REALM = "redeploy";
    private static final String TABLE = "lava." + REALM + ".connections";
    private static final String PASSWORD = "redeploy-Pa55-w0rd";
    private static final String SECRET_PASSWORD = "redeploy-secret-Pa55";
    private static final String DRIVERS = "io.lava.jdbc.LavaPgDriver,org.postgresql.Driver";
    private static final String PGJDBC_DRIVERS = "org.postgresql.Driver";
    private static final String PACKAGE = "io/lava/jdbc/it/packaging/redeploy/";

    private static LocalPostgres pg;
    private static LocalAws aws;
    private static StsStub sts;

    @TempDir
    static Path home;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws Exception {
        pg = postgres;
        aws = localAws;
        sts = new StsStub();
        pg.createRole("redeploy_etl", PASSWORD);
        pg.createRole("redeploy_sm", SECRET_PASSWORD);
        pg.createTlsOnlyRole("redeploy_iam", "not-a-token-" + System.nanoTime());
        pg.createDatabase("redeploy_db", "redeploy_etl");
        aws.createConnectionsTable(REALM);
        aws.putParameter("/lava/redeploy/etl", PASSWORD);
        aws.putSecret("/lava/redeploy/sm",
                "{\"username\":\"redeploy_sm\",\"password\":\"" + SECRET_PASSWORD + "\"}");
        aws.putRecord(TABLE, record("warehouse", "postgres", "redeploy_etl", "/lava/redeploy/etl"));
        Map<String, Object> secret = record("from-secret", "postgres-aurora", null, null);
        secret.put("secret_id", "/lava/redeploy/sm");
        aws.putRecord(TABLE, secret);
        aws.putRecord(TABLE, record("aurora", "postgres-aurora", "redeploy_iam", null));
        Map<String, Object> verified = record("verified", "postgres", "redeploy_etl", "/lava/redeploy/etl");
        verified.put("ssl_mode", "verify-full");
        verified.put("ssl_ca_file", pg.caCertificate().toString());
        aws.putRecord(TABLE, verified);
    }

    @AfterAll
    static void tearDown() {
        if (sts != null) {
            sts.close();
        }
    }

    private static Map<String, Object> record(String connId, String type, String user, String parameter) {
        Map<String, Object> r = LavaRealm.postgresRecord(connId, pg, "redeploy_db", user, parameter);
        r.put("type", type);
        return r;
    }

    private static String url(String connId, String query) {
        return "jdbc:lava-pg:" + REALM + "/" + connId + "?awsEndpointUrl=" + aws.endpoint() + "&awsRegion=us-east-1"
                + query;
    }

    @Test
    void redeployingTheApplicationLeavesNothingOfItBehind() throws IOException {
        Path config = Files.writeString(home.resolve("aws-config"), """
                [profile redeploy-assume]
                role_arn = arn:aws:iam::123456789012:role/lava-reader
                source_profile = redeploy-source
                region = us-east-1

                [profile redeploy-source]
                aws_access_key_id = AKIDLAVASOURCE
                aws_secret_access_key = source-secret-key

                [profile redeploy-web]
                role_arn = arn:aws:iam::123456789012:role/lava-etl
                web_identity_token_file = %s
                region = us-east-1
                """.formatted(Files.writeString(home.resolve("web-identity-token"),
                "eyJhbGciOiJSUzI1NiJ9.lava-redeploy.test")));
        int assumed = sts.requests("AssumeRole").size();
        int webIdentity = sts.requests("AssumeRoleWithWebIdentity").size();

        Run run = server(config, "warehouse=" + url("warehouse", ""), "secret=" + url("from-secret", ""),
                // the token is refused: the server holds another password for the TLS-only role
                "iam=" + url("aurora", ""),
                "assume=" + url("warehouse", "&awsProfile=redeploy-assume"),
                "web=" + url("warehouse", "&awsProfile=redeploy-web"),
                "tls=" + url("verified", ""));

        System.out.println(run.out());
        assertThat(run.exitCode()).as(run.all()).isZero();
        List<String> lines = run.out().lines().toList();
        List<String> missing = new ArrayList<>();
        for (int n = 1; n <= CYCLES; n++) {
            for (String expected : List.of("deploy " + n + " drivers " + DRIVERS,
                    "connect " + n + " warehouse ok redeploy_etl", "connect " + n + " secret ok redeploy_sm",
                    "connect " + n + " assume ok redeploy_etl", "connect " + n + " web ok redeploy_etl",
                    "connect " + n + " tls ok redeploy_etl", "undeploy " + n + " deregistered " + DRIVERS)) {
                if (!lines.contains(expected)) {
                    missing.add(expected);
                }
            }
            String iam = "connect " + n + " iam failed 28P01 ";
            if (lines.stream().noneMatch(line -> line.startsWith(iam) && line.contains("refused the RDS IAM token"))) {
                missing.add(iam + "... refused the RDS IAM token ...");
            }
        }
        assertConnected(missing, run);
        assertThat(sts.requests("AssumeRole")).as("one AssumeRole per deploy").hasSize(assumed + CYCLES);
        assertThat(sts.requests("AssumeRoleWithWebIdentity")).as("one AssumeRoleWithWebIdentity per deploy")
                .hasSize(webIdentity + CYCLES);
        assertThat(run.all()).doesNotContain(PASSWORD, SECRET_PASSWORD, "X-Amz-Signature", "lava-test-secret-key",
                "source-secret-key", "sts-test-secret-key", "sts-test-session-token");
        assertNothingLeft(run);
    }

    /**
     * The control of {@link #redeployingTheApplicationLeavesNothingOfItBehind}: the same application with pgjdbc's
     * jar alone, connecting as the same role through {@code jdbc:postgresql:} URLs, plain and {@code verify-full}
     * (the password from a pgpass file, so that no command line holds it). pgjdbc starts the same {@code Cleaner-N}
     * thread per deploy; it and every loader must be gone.
     */
    @Test
    void pgjdbcAloneLeavesNothingBehindInTheSameHarness() throws IOException {
        Path pgpass = Files.writeString(home.resolve("pgpass"),
                pg.host() + ":" + pg.port() + ":redeploy_db:redeploy_etl:" + PASSWORD + "\n");
        String url = "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/redeploy_db?user=redeploy_etl";
        Run run = server(pgjdbcJar(), Map.of("PGPASSFILE", pgpass.toString()), "plain=" + url + "&sslmode=disable",
                "tls=" + url + "&sslmode=verify-full&sslrootcert=" + pg.caCertificate());

        System.out.println(run.out());
        assertThat(run.exitCode()).as(run.all()).isZero();
        List<String> lines = run.out().lines().toList();
        List<String> missing = new ArrayList<>();
        for (int n = 1; n <= CYCLES; n++) {
            for (String expected : List.of("deploy " + n + " drivers " + PGJDBC_DRIVERS,
                    "connect " + n + " plain ok redeploy_etl", "connect " + n + " tls ok redeploy_etl",
                    "undeploy " + n + " deregistered " + PGJDBC_DRIVERS)) {
                if (!lines.contains(expected)) {
                    missing.add(expected);
                }
            }
        }
        assertConnected(missing, run);
        assertThat(run.all()).doesNotContain(PASSWORD);
        assertNothingLeft(run);
    }

    private static void assertConnected(List<String> missing, Run run) {
        assertThat(missing).withFailMessage(() -> "deploys did not connect as expected; missing:\n  "
                + String.join("\n  ", missing) + "\nthe server's deploys:\n  "
                + run.out().lines().filter(line -> !line.startsWith("leak ") && !line.startsWith("note "))
                        .collect(Collectors.joining("\n  "))
                + "\nstderr of the server:\n" + run.err()).isEmpty();
    }

    /** No loader, thread or MBean of any deploy is left, and the server says so. */
    private static void assertNothingLeft(Run run) {
        List<String> lines = run.out().lines().toList();
        List<String> leaks = lines.stream().filter(line -> line.startsWith("leak ")).toList();
        assertThat(leaks).withFailMessage(() -> "after " + CYCLES + " deploy/undeploy cycles of the application, "
                + leaks.size() + " things of it are left (a loader left is pinned by the rest):\n  "
                + String.join("\n  ", summary(leaks)) + "\nin detail:\n  " + String.join("\n  ", leaks)
                + "\nJVM-wide JDK threads started meanwhile (not counted):\n  "
                + lines.stream().filter(line -> line.startsWith("note ")).collect(Collectors.joining("\n  "))
                + "\n" + lines.stream().filter(line -> line.startsWith("gc ") || line.startsWith("heapdump "))
                        .collect(Collectors.joining("\n"))
                + (lines.stream().anyMatch(line -> line.startsWith("heapdump ")) ? ""
                        : "\n(-Dredeploy.heapDump=<file> writes a heap dump of what is left, to find what holds it)")
                + "\nstderr of the server:\n" + run.err()).isEmpty();
        assertThat(lines).contains("result clean");
    }

    /**
     * @return per kind of leak, how many: loaders; threads by name with the numbers replaced by {@code *} and what
     *     ties them to an application; each MBean
     */
    private static List<String> summary(List<String> leaks) {
        Map<String, Integer> counts = new TreeMap<>();
        Pattern thread = Pattern.compile("leak thread \"([^\"]*)\".*?(?: holds=(\\S+))?(?: \\|.*)?");
        for (String leak : leaks) {
            Matcher m = thread.matcher(leak);
            String kind = m.matches() ? "thread \"" + m.group(1).replaceAll("\\d+", "*") + "\""
                    + (m.group(2) == null ? "" : " holding the application by its " + m.group(2))
                    : leak.startsWith("leak loader ") ? "loaders" : leak.substring("leak ".length());
            counts.merge(kind, 1, Integer::sum);
        }
        List<String> summary = new ArrayList<>();
        counts.forEach((kind, n) -> summary.add(n + " " + kind));
        return summary;
    }

    // ---- running the server ---------------------------------------------------------------------------------------

    /**
     * Runs {@link RedeployServer} with the {@code -all} jar and {@code config} as the AWS config file, STS at the
     * stub.
     */
    private static Run server(Path config, String... connects) throws IOException {
        return server(ShadedJarIT.allJar(), Map.of("AWS_CONFIG_FILE", config.toString(),
                "AWS_ENDPOINT_URL_STS", sts.endpoint(),
                // the web-identity profile's own STS client takes its region from the default chain; without one it
                // is sent to https://sts.amazonaws.com whatever AWS_ENDPOINT_URL_STS says
                "AWS_REGION", "us-east-1"), connects);
    }

    /**
     * Runs {@link RedeployServer} in a new JVM (the tests' Java, or {@code -Dredeploy.java}) whose class path is a
     * directory holding only that class, deploying {@code jar} with the application; the environment is clean (the
     * harness's static AWS keys) plus {@code extraEnv}. The application's classes are in a directory of their own. At
     * most two minutes.
     */
    private static Run server(Path jar, Map<String, String> extraEnv, String... connects) throws IOException {
        Path serverClasses = copyClasses("RedeployServer", Files.createTempDirectory(home, "server"));
        Path webappClasses = copyClasses("RedeployWebapp", Files.createTempDirectory(home, "webapp"));
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        List<String> command = new ArrayList<>(List.of(
                System.getProperty("redeploy.java", ChildJvm.java()),
                "-Xmx256m",
                // C1 alone and a single-threaded collector: five cycles of class loading in a few seconds on two cores
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                // soft references (pgjdbc's and the SDK's buffer caches hold some) are cleared at every collection,
                // as the JVM does anyway before it gives up with OutOfMemoryError: Metaspace
                "-XX:SoftRefLRUPolicyMSPerMB=0",
                "-Duser.home=" + home, "-Djava.io.tmpdir=" + tmp,
                "-cp", serverClasses.toString()));
        String heapDump = System.getProperty("redeploy.heapDump");
        if (heapDump != null) {
            // one file per run: the jar's name before the extension
            String stem = jar.getFileName().toString().replaceFirst("\\.jar$", "");
            command.add("-Dredeploy.heapDump="
                    + Path.of(heapDump).toAbsolutePath().toString().replaceFirst("(\\.hprof)?$", "-" + stem + ".hprof"));
        }
        String jvmOptions = System.getProperty("redeploy.jvmOptions", "").strip();
        if (!jvmOptions.isEmpty()) {
            command.addAll(List.of(jvmOptions.split("\\s+")));
        }
        command.addAll(List.of(RedeployServer.class.getName(), webappClasses.toString(),
                jar.toString(), String.valueOf(CYCLES)));
        command.addAll(List.of(connects));

        Map<String, String> env = ChildJvm.cleanEnvironment(home);
        env.putAll(extraEnv);
        return ChildJvm.run(command, env, Duration.ofMinutes(2));
    }

    /** @return pgjdbc's own jar, the one the tests run with */
    private static Path pgjdbcJar() {
        try {
            return Path.of(org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies the class files of {@code io.lava.jdbc.it.packaging.redeploy.<name>} (nested classes too) to a class directory. */
    private static Path copyClasses(String name, Path root) throws IOException {
        Path source;
        try {
            source = Path.of(RedeployIT.class.getResource("/" + PACKAGE + name + ".class").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path target = Files.createDirectories(root.resolve(PACKAGE));
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches(name + "(\\$.*)?\\.class"))
                    .toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        return root;
    }

}
