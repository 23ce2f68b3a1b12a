package io.lava.jdbc.testing;

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
 * <p>{@link #close()} stops the server and deletes its files; a JVM shutdown hook does the same if
 * {@code close()} is never called. This class does not depend on JUnit.
 */
public final class LocalPostgres implements AutoCloseable {

  private static final String ADMIN_USER = "lava_admin";
  private static final String ADMIN_DATABASE = "postgres";
  private static final String DUPLICATE_OBJECT = "42710";
  private static final String DUPLICATE_DATABASE = "42P04";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final org.postgresql.Driver PGJDBC = new org.postgresql.Driver();

  private final PostgresServer server;
  private final String adminPassword;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook;

  private LocalPostgres(PostgresServer server, String adminPassword) {
    this.server = server;
    this.adminPassword = adminPassword;
    this.shutdownHook = new Thread(server::stop, "lava-local-postgres-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts a server with the default settings; same as {@code builder().start()}.
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
   * password. The name and password are quoted by the server ({@code format('%I', '%L')}).
   *
   * @param name role name, used verbatim (case-sensitive)
   * @param password the role's new password
   * @throws SQLException if the statement fails
   */
  public void createRole(String name, String password) throws SQLException {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(password, "password");
    try (Connection connection = adminConnection()) {
      if (!exists(connection, "select 1 from pg_catalog.pg_roles where rolname = ?", name)) {
        try {
          executeFormatted(connection, "CREATE ROLE %I WITH LOGIN PASSWORD %L", name, password);
          return;
        } catch (SQLException e) {
          if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
            throw e;
          }
        }
      }
      executeFormatted(connection, "ALTER ROLE %I WITH LOGIN PASSWORD %L", name, password);
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

  /** Stops the server and deletes its files. Idempotent. */
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
    server.stop();
  }

  @Override
  public String toString() {
    return "LocalPostgres[" + server + ", admin " + ADMIN_USER + "]";
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
   * Settings applied after {@code initdb} and before the server starts, e.g. for TLS:
   *
   * <pre>{@code
   * LocalPostgres.builder()
   *     .file("server.crt", certPem).file("server.key", keyPem)
   *     .config("ssl", "on").config("ssl_cert_file", "server.crt").config("ssl_key_file", "server.key")
   *     .hba("hostnossl all all all reject")
   *     .start();
   * }</pre>
   */
  public static final class Builder {

    private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    private final Map<String, String> config = new LinkedHashMap<>();
    private final List<String> hba = new ArrayList<>();
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private boolean defaultHba = true;

    private Builder() {}

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
     * precedence. The superuser connects over TCP, so keep a rule that lets it in. A container sees
     * clients from the Docker network, not 127.0.0.1: address {@code all} works in both modes.
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
      PostgresSettings settings = new PostgresSettings(config, hba, defaultHba, files);
      String password = randomPassword();
      PostgresServer server = dockerAvailable()
          ? PostgresContainerServer.start(settings, ADMIN_USER, password)
          : LocalPostgresCluster.start(settings, ADMIN_USER, password);
      return new LocalPostgres(server, password);
    }
  }
}
