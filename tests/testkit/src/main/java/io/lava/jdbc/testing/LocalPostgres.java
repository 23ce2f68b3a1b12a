package io.lava.jdbc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * A real, throwaway PostgreSQL server for tests and examples.
 *
 * <p>With a reachable Docker engine the server is a Testcontainers {@code postgres:15-alpine}
 * container; otherwise it is a fresh cluster made with the locally installed server binaries
 * ({@code initdb}/{@code pg_ctl}, package {@code postgresql}), listening on {@code 127.0.0.1} only.
 * Either way the superuser {@link #adminUser()} logs in with a random password over SCRAM-SHA-256.
 *
 * <pre>{@code
 * try (LocalPostgres pg = LocalPostgres.start()) {
 *   pg.createRole("app", "app-password");
 *   pg.createDatabase("appdb", "app");
 *   // connect to pg.jdbcUrl("appdb") as app
 * }
 * }</pre>
 *
 * <p><b>TLS.</b> Unless the builder says {@link Builder#tls(boolean) tls(false)}, the server speaks
 * TLS ({@code ssl = on}) with a certificate for {@code 127.0.0.1} and {@code localhost} issued by a
 * {@link TestPki} generated for this server: pgjdbc {@code sslmode=verify-full} with
 * {@code sslrootcert=}{@link #caCertificate()} succeeds, with {@link #otherCaCertificate()} it fails.
 * TLS is offered, not required: roles made with {@link #createRole(String, String)} (and the
 * superuser) log in with or without it. Members of the group role {@value #TLS_ONLY_GROUP}, e.g.
 * made with {@link #createTlsOnlyRole(String, String)}, log in only over TLS, because
 * {@code pg_hba.conf} starts with (ahead of the {@link Builder#hba(String)} lines and the defaults):
 *
 * <pre>
 * hostssl all +tls_only all scram-sha-256
 * host    all +tls_only all reject
 * local   all +tls_only     reject
 * </pre>
 *
 * <p>A plaintext attempt of such a role is refused before any password is asked for: pgjdbc throws a
 * {@code PSQLException} with SQLState {@code 28000} ({@code pg_hba.conf rejects connection ...}).
 * Without TLS ({@code tls(false)}) only the two {@code reject} lines are present, so members of
 * {@value #TLS_ONLY_GROUP} cannot log in at all.
 *
 * <p>{@link #close()} stops the server and deletes its files; a JVM shutdown hook does the same if
 * {@code close()} is never called. This class does not depend on JUnit.
 */
public final class LocalPostgres implements AutoCloseable {

    /**
     * The NOLOGIN group role whose members may log in only over TLS; created when the server starts.
     */
    public static final String TLS_ONLY_GROUP = "tls_only";

    private static final String ADMIN_USER = "lava_admin";
    private static final String ADMIN_DATABASE = "postgres";
    private static final String DUPLICATE_OBJECT = "42710";
    private static final String DUPLICATE_DATABASE = "42P04";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final org.postgresql.Driver PGJDBC = new org.postgresql.Driver();

    private final PostgresServer server;
    private final String adminPassword;
    private final TestPki pki;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private final Thread shutdownHook;

    private LocalPostgres(PostgresServer server, String adminPassword, TestPki pki) {
        this.server = server;
        this.adminPassword = adminPassword;
        this.pki = pki;
        this.shutdownHook = new Thread(this::release, "lava-local-postgres-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a server with the default settings, TLS included; same as {@code builder().start()}.
     *
     * @return the running server; close it to stop it
     * @throws IllegalStateException if there is neither Docker nor a local PostgreSQL installation, or
     *     the server fails to start (the message includes the end of the server log)
     */
    public static LocalPostgres start() {
        return builder().start();
    }

    /**
     * A builder for a server with extra {@code postgresql.conf} settings, {@code pg_hba.conf} rules or
     * files in its data directory (e.g. TLS certificates).
     *
     * @return a new builder with the default settings
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The host clients connect to.
     *
     * @return {@code 127.0.0.1} for a local cluster, the Docker host for a container
     */
    public String host() {
        return server.host();
    }

    /**
     * The TCP port clients connect to.
     *
     * @return the server's port on {@link #host()}
     */
    public int port() {
        return server.port();
    }

    /**
     * The superuser's name.
     *
     * @return the name of the role created by {@code initdb}
     */
    public String adminUser() {
        return ADMIN_USER;
    }

    /**
     * The superuser's password, random for each server.
     *
     * @return the password of {@link #adminUser()}
     */
    public String adminPassword() {
        return adminPassword;
    }

    /**
     * Whether the server speaks TLS ({@link Builder#tls(boolean)}, on by default).
     *
     * @return {@code true} if the server has {@code ssl = on} and a certificate from a test CA
     */
    public boolean tlsEnabled() {
        return pki != null;
    }

    /**
     * The certificate (PEM) of the CA that issued the server certificate, e.g. for pgjdbc's
     * {@code sslrootcert} with {@code sslmode=verify-full}. The server certificate names
     * {@code 127.0.0.1} and {@code localhost}. The file is deleted by {@link #close()}.
     *
     * @return the path of {@code ca.crt}, or {@code null} if the server was started without TLS
     */
    public Path caCertificate() {
        return pki == null ? null : pki.caCertificate();
    }

    /**
     * The certificate (PEM) of an unrelated CA: a client that trusts only it must refuse this server.
     * The file is deleted by {@link #close()}.
     *
     * @return the path of {@code other-ca.crt}, or {@code null} if the server was started without TLS
     */
    public Path otherCaCertificate() {
        return pki == null ? null : pki.otherCaCertificate();
    }

    /**
     * A pgjdbc URL for one database of this server.
     *
     * @param database database name
     * @return {@code jdbc:postgresql://host:port/database}
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + Objects.requireNonNull(database, "database");
    }

    /**
     * Opens a superuser connection to the {@code postgres} database.
     *
     * @return a new connection in auto-commit mode; the caller closes it
     * @throws SQLException if the connection fails
     */
    public Connection adminConnection() throws SQLException {
        return adminConnection(ADMIN_DATABASE);
    }

    /**
     * Creates a role that can log in with {@code password} or, if it exists, gives it LOGIN and that
     * password; its group memberships are left as they are. The name and password are sent as bound
     * parameters and quoted by the server ({@code format('%I', '%L')}), so any text is safe, e.g. a
     * 1,500-character RDS IAM token with {@code & = % / : ?}. The password is stored as a SCRAM
     * verifier.
     *
     * @param name role name, used verbatim (case-sensitive)
     * @param password the role's new password
     * @throws SQLException if the statement fails
     */
    public void createRole(String name, String password) throws SQLException {
        upsertLoginRole(name, password, false);
    }

    /**
     * Like {@link #createRole(String, String)}, and makes the role a member of
     * {@value #TLS_ONLY_GROUP}, so it can log in only over TLS (SCRAM-SHA-256); a plaintext attempt
     * fails with SQLState {@code 28000} before the password is asked for. A new role gets LOGIN and the
     * membership in one statement; an existing role gets the membership before its new password.
     *
     * @param name role name, used verbatim (case-sensitive)
     * @param password the role's new password; any text, quoted safely
     * @throws SQLException if a statement fails
     */
    public void createTlsOnlyRole(String name, String password) throws SQLException {
        upsertLoginRole(name, password, true);
    }

    /**
     * Replaces the password of an existing role; LOGIN and memberships are unchanged. The password is
     * quoted safely by the server, whatever it contains.
     *
     * @param role an existing role, used verbatim (case-sensitive)
     * @param password the new password
     * @throws SQLException if the statement fails, e.g. SQLState {@code 42704} if there is no such role
     */
    public void setPassword(String role, String password) throws SQLException {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(password, "password");
        TestSecrets.register(password);
        try (Connection connection = adminConnection()) {
            executeFormatted(connection, "ALTER ROLE %I WITH PASSWORD %L", role, password);
        }
    }

    /**
     * Creates a database owned by {@code owner} unless a database of that name exists.
     *
     * @param name database name, used verbatim (case-sensitive)
     * @param owner an existing role
     * @throws SQLException if the statement fails
     */
    public void createDatabase(String name, String owner) throws SQLException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        try (Connection connection = adminConnection()) {
            if (exists(connection, "select 1 from pg_catalog.pg_database where datname = ?", name)) {
                return;
            }
            try {
                executeFormatted(connection, "CREATE DATABASE %I OWNER %I", name, owner);
            } catch (SQLException e) {
                if (!DUPLICATE_DATABASE.equals(e.getSQLState())) {
                    throw e;
                }
            }
        }
    }

    /**
     * Runs SQL as the superuser in one database, in auto-commit mode.
     *
     * @param database database to connect to
     * @param sql one statement, or several separated by semicolons
     * @throws SQLException if the connection or the statement fails
     */
    public void execute(String database, String sql) throws SQLException {
        try (Connection connection = adminConnection(database);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Stops the server and deletes its files, the TLS certificates included. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down; the hook stops the server.
        }
        release();
    }

    @Override
    public String toString() {
        return "LocalPostgres[" + server + ", admin " + ADMIN_USER + (pki == null ? ", no TLS" : ", TLS") + "]";
    }

    /** Stops the server and deletes the PKI directory; run once, by {@link #close()} or the hook. */
    private void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        try {
            server.stop();
        } finally {
            if (pki != null) {
                LocalPostgresCluster.deleteQuietly(pki.directory());
            }
        }
    }

    private void upsertLoginRole(String name, String password, boolean tlsOnly) throws SQLException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(password, "password");
        TestSecrets.register(password);
        try (Connection connection = adminConnection()) {
            if (!exists(connection, "select 1 from pg_catalog.pg_roles where rolname = ?", name)) {
                try {
                    if (tlsOnly) {
                        executeFormatted(connection, "CREATE ROLE %I WITH LOGIN PASSWORD %L IN ROLE %I",
                                name, password, TLS_ONLY_GROUP);
                    } else {
                        executeFormatted(connection, "CREATE ROLE %I WITH LOGIN PASSWORD %L", name, password);
                    }
                    return;
                } catch (SQLException e) {
                    if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
            if (tlsOnly) {
                executeFormatted(connection, "GRANT %I TO %I", TLS_ONLY_GROUP, name);
            }
            executeFormatted(connection, "ALTER ROLE %I WITH LOGIN PASSWORD %L", name, password);
        }
    }

    /** Creates the NOLOGIN group {@value #TLS_ONLY_GROUP} that the harness's hba lines name. */
    private void createTlsOnlyGroup() throws SQLException {
        try (Connection connection = adminConnection()) {
            if (exists(connection, "select 1 from pg_catalog.pg_roles where rolname = ?", TLS_ONLY_GROUP)) {
                return;
            }
            executeFormatted(connection, "CREATE ROLE %I WITH NOLOGIN", TLS_ONLY_GROUP);
        }
    }

    private Connection adminConnection(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", ADMIN_USER);
        properties.setProperty("password", adminPassword);
        String url = jdbcUrl(database);
        Connection connection = PGJDBC.connect(url, properties);
        if (connection == null) {
            throw new SQLException("pgjdbc does not accept " + url);
        }
        return connection;
    }

    private static boolean exists(Connection connection, String query, String parameter) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, parameter);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Builds a statement with the server's {@code format()} (safe quoting) and runs it. */
    private static void executeFormatted(Connection connection, String template, String... arguments)
            throws SQLException {
        String sql;
        try (PreparedStatement format = connection.prepareStatement(
                "select format(?::text" + ", ?::text".repeat(arguments.length) + ")")) {
            format.setString(1, template);
            for (int i = 0; i < arguments.length; i++) {
                format.setString(i + 2, arguments[i]);
            }
            try (ResultSet rows = format.executeQuery()) {
                rows.next();
                sql = rows.getString(1);
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * A fresh, private directory for a server's {@link TestPki}: under the working directory's
     * {@code target/} (Maven's build directory) when there is one, else under the system temp directory.
     */
    private static Path createPkiDir() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        if (Files.isDirectory(target) && Files.isWritable(target)) {
            return Files.createTempDirectory(target, "pg-pki-");
        }
        return Files.createTempDirectory("lava-pg-pki-");
    }

    private static boolean dockerAvailable() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, LocalPostgres.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return false;
        }
        try {
            return PostgresContainerServer.dockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * Settings applied after {@code initdb} and before the server starts. TLS is on by default (see
     * {@link LocalPostgres}); e.g. to refuse every login without TLS (the superuser's connections use
     * pgjdbc's default {@code sslmode=prefer}, so they pass):
     *
     * <pre>{@code
     * LocalPostgres.builder()
     *     .hba("hostnossl all all all reject")
     *     .start();
     * }</pre>
     *
     * <p>With TLS the harness adds the data-directory files {@code server.crt} and {@code server.key}
     * and the settings {@code ssl = on}, {@code ssl_cert_file = 'server.crt'},
     * {@code ssl_key_file = 'server.key'}; {@link #config(String, String)} and
     * {@link #file(String, byte[])} of the same names replace them (e.g. another certificate), and
     * other {@code ssl_*} settings can be added (e.g. {@code ssl_min_protocol_version}).
     * {@code ssl_ca_file} is not set: clients are not asked for certificates.
     */
    public static final class Builder {

        private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
        private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

        private final Map<String, String> config = new LinkedHashMap<>();
        private final List<String> hba = new ArrayList<>();
        private final Map<String, byte[]> files = new LinkedHashMap<>();
        private boolean defaultHba = true;
        private boolean tls = true;

        private Builder() {}

        /**
         * Whether the server speaks TLS with a certificate from a fresh {@link TestPki}; it does unless
         * set to {@code false}. Without TLS, {@link LocalPostgres#caCertificate()} and
         * {@link LocalPostgres#otherCaCertificate()} return {@code null}, and members of
         * {@value LocalPostgres#TLS_ONLY_GROUP} cannot log in.
         *
         * @param enabled {@code false} for a plaintext-only server
         * @return this builder
         */
        public Builder tls(boolean enabled) {
            this.tls = enabled;
            return this;
        }

        /**
         * Adds a {@code postgresql.conf} setting; the value is quoted for the file. It overrides the
         * harness defaults (e.g. {@code listen_addresses}); setting a name twice keeps the last value.
         *
         * @param name setting name, e.g. {@code ssl}
         * @param value setting value, unquoted, e.g. {@code on}
         * @return this builder
         */
        public Builder config(String name, String value) {
            if (name == null || !SETTING_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a setting name: " + name);
            }
            config.put(name, Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds a {@code pg_hba.conf} line. Added lines come before the default rules, so they take
         * precedence; only the harness's {@value LocalPostgres#TLS_ONLY_GROUP} lines come earlier. The
         * superuser connects over TCP (with TLS if the server has it), so keep a rule that lets it in. A
         * container sees clients from the Docker network, not 127.0.0.1: address {@code all} works in
         * both modes.
         *
         * @param line one rule, e.g. {@code hostssl all all all scram-sha-256}
         * @return this builder
         */
        public Builder hba(String line) {
            if (line == null || line.isBlank() || line.contains("\n") || line.contains("\r")) {
                throw new IllegalArgumentException("not a single pg_hba.conf line: " + line);
            }
            hba.add(line);
            return this;
        }

        /**
         * Whether the default {@code pg_hba.conf} rules (password login for all roles over TCP) stay
         * after the lines added with {@link #hba(String)}; they do unless set to {@code false}.
         *
         * @param keep {@code false} to keep only the added lines
         * @return this builder
         */
        public Builder defaultHba(boolean keep) {
            this.defaultHba = keep;
            return this;
        }

        /**
         * Places a file in the data directory, readable by the server only (mode 0600), so settings
         * can name it relative to the data directory, e.g. {@code config("ssl_key_file", "server.key")}.
         *
         * @param name plain file name, no directories
         * @param content file content
         * @return this builder
         */
        public Builder file(String name, byte[] content) {
            if (name == null || !FILE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a plain file name: " + name);
            }
            files.put(name, Objects.requireNonNull(content, "content").clone());
            return this;
        }

        /**
         * Starts the server: a container if Docker is reachable, otherwise a local cluster.
         *
         * @return the running server; close it to stop it
         * @throws IllegalStateException if there is neither Docker nor a local PostgreSQL installation, or
         *     the server fails to start (the message includes the end of the server log)
         */
        public LocalPostgres start() {
            Path pkiDir = null;
            PostgresServer server = null;
            try {
                Map<String, String> effectiveConfig = new LinkedHashMap<>();
                Map<String, byte[]> effectiveFiles = new LinkedHashMap<>();
                List<String> effectiveHba = new ArrayList<>();
                TestPki pki = null;
                if (tls) {
                    pkiDir = createPkiDir();
                    pki = TestPki.create(pkiDir);
                    effectiveFiles.put(TestPki.SERVER_CERT, pki.serverCertificatePem());
                    effectiveFiles.put(TestPki.SERVER_KEY, pki.serverKeyPem());
                    effectiveConfig.put("ssl", "on");
                    effectiveConfig.put("ssl_cert_file", TestPki.SERVER_CERT);
                    effectiveConfig.put("ssl_key_file", TestPki.SERVER_KEY);
                    effectiveHba.add("hostssl all +" + TLS_ONLY_GROUP + " all scram-sha-256");
                }
                effectiveHba.add("host all +" + TLS_ONLY_GROUP + " all reject");
                effectiveHba.add("local all +" + TLS_ONLY_GROUP + " reject");
                effectiveConfig.putAll(config);
                effectiveFiles.putAll(files);
                effectiveHba.addAll(hba);

                PostgresSettings settings =
                        new PostgresSettings(effectiveConfig, effectiveHba, defaultHba, effectiveFiles);
                String password = randomPassword();
                server = dockerAvailable()
                        ? PostgresContainerServer.start(settings, ADMIN_USER, password)
                        : LocalPostgresCluster.start(settings, ADMIN_USER, password);
                LocalPostgres postgres = new LocalPostgres(server, password, pki);
                server = null; // stopped by postgres.close() from now on
                try {
                    postgres.createTlsOnlyGroup();
                } catch (SQLException | RuntimeException e) {
                    postgres.close();
                    throw new IllegalStateException("cannot create the group role " + TLS_ONLY_GROUP + " in " + postgres
                            + ": " + e.getMessage(), e);
                }
                return postgres;
            } catch (IOException e) {
                LocalPostgresCluster.deleteQuietly(pkiDir);
                throw new UncheckedIOException("cannot create a directory for the test PKI: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                if (server != null) {
                    server.stop();
                }
                LocalPostgresCluster.deleteQuietly(pkiDir);
                throw e;
            }
        }
    }
}
