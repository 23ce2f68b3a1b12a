package io.lava.jdbc.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL in a Testcontainers container ({@value #IMAGE}).
 *
 * <p>{@link PostgresSettings} are applied by an init script of the image's entrypoint, which runs
 * after {@code initdb} and before the final server start: the same point at which
 * {@link LocalPostgresCluster} applies them. The data-directory files (e.g. the TLS
 * {@code server.crt}/{@code server.key} that {@link LocalPostgres} adds with {@code ssl = on}) are
 * staged world-readable under {@value #STAGING}, because a copy into the container is owned by
 * root; the script, which the entrypoint runs as the {@code postgres} OS user, copies them into
 * {@code $PGDATA} owned by that user with mode 0600, as PostgreSQL requires of
 * {@code ssl_key_file}. Relative paths in settings such as {@code ssl_cert_file} are resolved in
 * {@code $PGDATA}, as for a local cluster.
 *
 * <p>The server certificate names {@code 127.0.0.1} and {@code localhost}, which is what
 * {@link #host()} is with a local Docker engine; with a remote engine, {@code sslmode=verify-full}
 * fails on the host name.
 */
final class PostgresContainerServer implements PostgresServer {

    static final String IMAGE = "postgres:15-alpine";

    private static final String STAGING = "/lava-pg-init";
    private static final int FILE_MODE = 0644;
    private static final int SCRIPT_MODE = 0755;
    private static final int LOG_TAIL_LINES = 40;

    private final PostgreSQLContainer<?> container;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private PostgresContainerServer(PostgreSQLContainer<?> container) {
        this.container = container;
    }

    /** Whether Testcontainers can reach a Docker engine. */
    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    /** Starts a container whose superuser is {@code adminUser}; blocks until it accepts connections. */
    static PostgresContainerServer start(PostgresSettings settings, String adminUser, String adminPassword) {
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>(DockerImageName.parse(IMAGE));
        container.withUsername(adminUser);
        container.withPassword(adminPassword);
        container.withDatabaseName("postgres");
        container.withCopyToContainer(Transferable.of(settings.configText(), FILE_MODE), STAGING + "/postgresql.conf");
        container.withCopyToContainer(Transferable.of(settings.hbaText(""), FILE_MODE), STAGING + "/pg_hba.conf");
        for (Map.Entry<String, byte[]> file : settings.files().entrySet()) {
            container.withCopyToContainer(Transferable.of(file.getValue(), FILE_MODE),
                    STAGING + "/files/" + file.getKey());
        }
        container.withCopyToContainer(Transferable.of(initScript(settings.defaultHba()), SCRIPT_MODE),
                "/docker-entrypoint-initdb.d/00-lava-harness.sh");
        try {
            container.start();
        } catch (RuntimeException e) {
            String log = logTail(container);
            container.stop();
            throw new IllegalStateException(
                    "PostgreSQL container " + IMAGE + " did not start; end of its log:\n" + log, e);
        }
        return new PostgresContainerServer(container);
    }

    private static String initScript(boolean keepDefaultHba) {
        return "#!/bin/sh\n"
                + "# lava test harness: settings applied after initdb, before the final server start.\n"
                + "set -eu\n"
                + "src=" + STAGING + "\n"
                + "# Data-directory files (TLS key and certificate...): owned by the server's OS user, mode 0600.\n"
                + "if [ -d \"$src/files\" ]; then\n"
                + "  for f in \"$src\"/files/*; do\n"
                + "    dst=\"$PGDATA/$(basename \"$f\")\"\n"
                + "    cp \"$f\" \"$dst\"\n"
                + "    if [ \"$(id -u)\" = 0 ]; then chown postgres:postgres \"$dst\"; fi\n"
                + "    chmod 0600 \"$dst\"\n"
                + "  done\n"
                + "fi\n"
                + "cat \"$src/postgresql.conf\" >> \"$PGDATA/postgresql.conf\"\n"
                + "cat \"$src/pg_hba.conf\"" + (keepDefaultHba ? " \"$PGDATA/pg_hba.conf\"" : "")
                + " > \"$PGDATA/pg_hba.conf.lava\"\n"
                + "mv \"$PGDATA/pg_hba.conf.lava\" \"$PGDATA/pg_hba.conf\"\n";
    }

    private static String logTail(PostgreSQLContainer<?> container) {
        try {
            List<String> lines = container.getLogs().lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (RuntimeException e) {
            return "(no container log: " + e.getMessage() + ")";
        }
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
    }

    @Override
    public void stop() {
        if (stopped.compareAndSet(false, true)) {
            container.stop();
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL container " + IMAGE + " at " + host() + ":" + port();
    }
}
