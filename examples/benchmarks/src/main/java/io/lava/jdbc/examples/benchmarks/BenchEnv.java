package io.lava.jdbc.examples.benchmarks;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Properties;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Where the throwaway PostgreSQL and the local AWS endpoint are, for the harness and for every JMH fork.
 *
 * <p>The harness ({@link Fixture}) writes it to an owner-only file and names that file to each fork with the system
 * property {@value #FIXTURE_PROPERTY}; {@link #load()} reads it there. The file holds the throwaway server's
 * passwords: it is never printed and is deleted when the run ends. {@link #applySystemProperties()} points every JVM's
 * AWS SDK at dummy credentials and the AWS Secrets Manager JDBC driver at the local endpoint, before any driver loads.
 *
 * <p>A benchmark's setup runs inside {@link #guard(String, SetUp)}, which leaves the failure's reason (one line,
 * never a secret) in a file next to the fixture, so the harness can print "n/a" with that reason.
 */
public final class BenchEnv {
    /** System property naming the fixture file in a JMH fork. */
    public static final String FIXTURE_PROPERTY = "bench.fixture";
    /** The lava realm of every benchmark record: table {@code lava.bench.connections}. */
    public static final String REALM = "bench";
    /** The region the local stubs answer for. */
    public static final String REGION = "us-east-1";
    /** Database every benchmark connects to. */
    public static final String DATABASE = "bench";

    /** Role of the SSM-password record {@link #WARM}: warm connect, resolve, storm, cold start. */
    public static final String ROLE_SSM = "bench_ssm";
    /** Role of the Secrets Manager record {@link #SECRET}; the AWS Secrets Manager JDBC driver logs in as it too. */
    public static final String ROLE_SECRET = "bench_secret";
    /** Role lava-pg's IAM token is the password of. */
    public static final String ROLE_IAM_LAVA = "bench_iam_lava";
    /** Role the AWS Advanced JDBC Wrapper's IAM token is the password of. */
    public static final String ROLE_IAM_WRAPPER = "bench_iam_wrapper";
    /** Role of the cold-start IAM record {@link #IAM_COLD}: let in over TLS without a password check ({@code trust}). */
    public static final String ROLE_IAM_COLD = "bench_iam_cold";
    /** Role the AWS Advanced JDBC Wrapper logs in as in the cold-start row; trusted like {@link #ROLE_IAM_COLD}. */
    public static final String ROLE_IAM_WRAPPER_COLD = "bench_iam_wrapper_cold";

    /** conn_id of the record whose password is an SSM SecureString. */
    public static final String WARM = "warm";
    /** conn_id of the record whose credentials come from a Secrets Manager secret. */
    public static final String SECRET = "secret";
    /** conn_id of the {@code postgres-aurora} record that authenticates with an RDS IAM token. */
    public static final String IAM = "iam";
    /**
     * conn_id of the {@code postgres-aurora} record of the cold-start row: every fresh JVM mints a new token, which the
     * throwaway server cannot verify, so its role {@link #ROLE_IAM_COLD} is trusted over TLS and refused without it.
     */
    public static final String IAM_COLD = "iam-cold";
    /** The secret both Secrets Manager paths read. */
    public static final String SECRET_ID = "/lava/bench/secret";

    /** Dummy AWS credentials: the local stubs check the SigV4 shape, not the key. */
    static final String ACCESS_KEY_ID = "AKIDLAVABENCH";
    static final String SECRET_ACCESS_KEY = "lava-bench-not-a-secret";

    static final String PG_HOST = "pg.host";
    static final String PG_PORT = "pg.port";
    static final String PG_ADMIN_USER = "pg.adminUser";
    static final String PG_ADMIN_PASSWORD = "pg.adminPassword";
    static final String PG_CA = "pg.ca";
    static final String AWS_ENDPOINT = "aws.endpoint";
    static final String PASSWORD_PREFIX = "password.";

    /** A benchmark's setup, which may fail. */
    @FunctionalInterface
    public interface SetUp {
        /**
         * Runs the setup.
         *
         * @throws Exception whatever went wrong
         */
        void run() throws Exception;
    }

    private final Properties values;
    private final Path directory;

    BenchEnv(Properties values, Path directory) {
        this.values = values;
        this.directory = directory;
    }

    /**
     * Reads the fixture named by {@value #FIXTURE_PROPERTY} and applies {@link #applySystemProperties()}.
     *
     * @return the fixture
     * @throws IllegalStateException when the property is not set (the class was run outside the harness)
     */
    public static BenchEnv load() {
        String file = System.getProperty(FIXTURE_PROPERTY);
        if (file == null) {
            throw new IllegalStateException("no -D" + FIXTURE_PROPERTY + "; run the benchmarks through "
                    + Benchmarks.class.getName());
        }
        Path path = Path.of(file);
        Properties values = new Properties();
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            values.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        BenchEnv env = new BenchEnv(values, path.getParent());
        env.applySystemProperties();
        return env;
    }

    /** Writes the fixture to an owner-only file. */
    void write(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            values.store(out, "lava-pg-jdbc benchmark fixture: throwaway server, deleted after the run");
        }
    }

    /**
     * Dummy AWS credentials and the region as AWS SDK system properties (they win over the environment), no instance
     * metadata, and the AWS Secrets Manager JDBC driver's endpoint override ({@code drivers.vpcEndpointUrl} and
     * {@code drivers.vpcEndpointRegion}, read once when its driver class loads).
     */
    void applySystemProperties() {
        System.setProperty("aws.accessKeyId", ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", SECRET_ACCESS_KEY);
        System.setProperty("aws.region", REGION);
        System.setProperty("aws.disableEc2Metadata", "true");
        System.setProperty("drivers.vpcEndpointUrl", awsEndpoint());
        System.setProperty("drivers.vpcEndpointRegion", REGION);
    }

    /** @return the local AWS endpoint (WireMock: in-memory DynamoDB, SSM and Secrets Manager stubs) */
    public String awsEndpoint() {
        return get(AWS_ENDPOINT);
    }

    /** @return the PostgreSQL host */
    public String pgHost() {
        return get(PG_HOST);
    }

    /** @return the PostgreSQL port */
    public int pgPort() {
        return Integer.parseInt(get(PG_PORT));
    }

    /** @return the local records file (lava's {@code LAVA_CONNECTIONS_FILE} form) holding the record {@link #IAM_COLD} */
    public Path recordsFile() {
        return directory.resolve("connections.json");
    }

    /** @return the path of the CA certificate that issued the server's certificate */
    public String caCertificate() {
        return get(PG_CA);
    }

    /**
     * @param connId a record of realm {@value #REALM}
     * @return {@code jdbc:lava-pg:bench/<connId>?awsEndpointUrl=...&awsRegion=us-east-1}
     */
    public String lavaUrl(String connId) {
        return "jdbc:lava-pg:" + REALM + "/" + connId + "?awsEndpointUrl="
                + URLEncoder.encode(awsEndpoint(), StandardCharsets.UTF_8) + "&awsRegion=" + REGION;
    }

    /**
     * @param prefix {@code jdbc:postgresql:}, {@code jdbc:aws-wrapper:postgresql:} or
     *     {@code jdbc-secretsmanager:postgresql:}
     * @return {@code <prefix>//host:port/bench}
     */
    public String serverUrl(String prefix) {
        return prefix + "//" + pgHost() + ":" + pgPort() + "/" + DATABASE;
    }

    /**
     * The TLS settings every benchmark record carries ({@code ssl_mode: verify-full}, {@code ssl_ca_file}), as pgjdbc
     * properties for the drivers that take them from the caller.
     *
     * @return new properties with {@code sslmode=verify-full} and {@code sslrootcert}
     */
    public Properties tls() {
        Properties p = new Properties();
        p.setProperty("sslmode", "verify-full");
        p.setProperty("sslrootcert", caCertificate());
        return p;
    }

    /**
     * @param role one of the {@code ROLE_*} roles with a static password
     * @return its password
     */
    public String password(String role) {
        return get(PASSWORD_PREFIX + role);
    }

    /**
     * Sets a role's password as the server's superuser, quoted by the server ({@code format('%I', '%L')}), so a
     * 1,500-character IAM token is safe.
     *
     * @param role the role
     * @param password its new password
     * @throws SQLException if the statement fails
     */
    public void setPassword(String role, String password) throws SQLException {
        Properties admin = new Properties();
        admin.setProperty("user", get(PG_ADMIN_USER));
        admin.setProperty("password", get(PG_ADMIN_PASSWORD));
        String adminUrl = "jdbc:postgresql://" + pgHost() + ":" + pgPort() + "/postgres";
        try (Connection c = new org.postgresql.Driver().connect(adminUrl, admin);
             PreparedStatement format = c.prepareStatement("select format('ALTER ROLE %I WITH PASSWORD %L', "
                     + "?::text, ?::text)")) {
            format.setString(1, role);
            format.setString(2, password);
            String sql;
            try (ResultSet rs = format.executeQuery()) {
                rs.next();
                sql = rs.getString(1);
            }
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }
    }

    /**
     * Runs a benchmark's setup; on failure, leaves a one-line reason for the harness and rethrows.
     *
     * @param benchmark the JMH benchmark's short name, {@code Class.method}
     * @param body the setup
     * @throws Exception the setup's failure
     */
    public void guard(String benchmark, SetUp body) throws Exception {
        try {
            body.run();
        } catch (Exception | Error e) {
            writeQuietly(directory.resolve(benchmark + ".failure"), reason(e));
            throw e;
        }
    }

    /**
     * Runs the setup of a benchmark's baseline driver; on failure, leaves a one-line reason for the harness in
     * {@code <benchmark>.baseline-failure} and lets the benchmark go on with lava-pg alone.
     *
     * @param benchmark the JMH benchmark's short name, {@code Class.method}
     * @param body the setup
     * @return whether the setup succeeded
     */
    public boolean tryBaseline(String benchmark, SetUp body) {
        try {
            body.run();
            return true;
        } catch (Exception | Error e) {
            writeQuietly(directory.resolve(benchmark + ".baseline-failure"), reason(e));
            return false;
        }
    }

    /**
     * @param params JMH's description of the running benchmark
     * @return its short name, {@code Class.method}
     */
    public static String shortName(BenchmarkParams params) {
        String full = params.getBenchmark();
        int method = full.lastIndexOf('.');
        return full.substring(full.lastIndexOf('.', method - 1) + 1);
    }

    /**
     * @param name a file name
     * @return that file in the directory of the fixture, where the harness looks for notes
     */
    public Path file(String name) {
        return directory.resolve(name);
    }

    /**
     * Leaves a note for the harness to print next to a benchmark's result.
     *
     * @param benchmark the JMH benchmark's short name, {@code Class.method}
     * @param note one line, never a secret
     */
    public void note(String benchmark, String note) {
        writeQuietly(directory.resolve(benchmark + ".note"), note);
    }

    /** The innermost message of a failure chain, on one line. */
    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = e.getClass().getSimpleName() + ": " + e.getMessage();
        String text = root == e ? top : top + " (cause: " + root.getClass().getSimpleName() + ": "
                + root.getMessage() + ")";
        return text.replaceAll("\\s+", " ");
    }

    private static void writeQuietly(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // the harness reports the benchmark as failed without a reason
        }
    }

    private String get(String key) {
        return Objects.requireNonNull(values.getProperty(key), () -> "fixture has no " + key);
    }
}
