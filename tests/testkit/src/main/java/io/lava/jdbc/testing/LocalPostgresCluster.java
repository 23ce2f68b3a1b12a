package io.lava.jdbc.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster run from the locally installed server binaries ({@code initdb},
 * {@code pg_ctl}). When the JVM runs as root, every server command runs as the {@code postgres}
 * OS user through {@code runuser}, because PostgreSQL refuses to run as root.
 *
 * <p>Each cluster lives in its own directory ({@code data/}, {@code server.log}, command logs),
 * which {@link #stop()} deletes. All process output goes to files, so no pipe can fill up.
 */
final class LocalPostgresCluster implements PostgresServer {

    private static final String OS_USER = "postgres";
    private static final Path SYSTEM_INSTALLS = Path.of("/usr/lib/postgresql");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 40;

    private final Path binDir;
    private final Path workDir;
    private final boolean asRoot;
    private final int port;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private LocalPostgresCluster(Path binDir, Path workDir, boolean asRoot, int port) {
        this.binDir = binDir;
        this.workDir = workDir;
        this.asRoot = asRoot;
        this.port = port;
    }

    /**
     * Creates a cluster with {@code initdb}, applies {@code settings} and starts it on a free port.
     *
     * @throws IllegalStateException if no server binaries are installed or the server does not start
     */
    static LocalPostgresCluster start(PostgresSettings settings, String adminUser, String adminPassword) {
        Path binDir = findBinDir().orElseThrow(() -> new IllegalStateException(
                "No Docker engine and no local PostgreSQL server binaries (initdb, pg_ctl) were found; "
                        + "install the `postgresql` package (e.g. `apt-get install postgresql`) or start Docker"));
        boolean asRoot = isRoot();
        Path workDir = null;
        try {
            workDir = createWorkDir(asRoot);
            LocalPostgresCluster cluster = new LocalPostgresCluster(binDir, workDir, asRoot, 0);
            cluster.initdb(adminUser, adminPassword);
            cluster.configure(settings);
            return cluster.startServer();
        } catch (IOException e) {
            deleteQuietly(workDir);
            throw new UncheckedIOException("cannot create a PostgreSQL cluster: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deleteQuietly(workDir);
            throw new IllegalStateException("interrupted while starting PostgreSQL", e);
        } catch (RuntimeException e) {
            deleteQuietly(workDir);
            throw e;
        }
    }

    @Override
    public String host() {
        return Net.LOOPBACK;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        try {
            if (Files.exists(dataDir().resolve("postmaster.pid"))
                    && pgCtl("stop", "-m", "fast") != 0
                    && Files.exists(dataDir().resolve("postmaster.pid"))) {
                pgCtl("stop", "-m", "immediate");
            }
        } catch (IOException e) {
            // Nothing more can be done; the directory is removed regardless.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteQuietly(workDir);
        }
    }

    @Override
    public String toString() {
        return "local PostgreSQL at " + Net.LOOPBACK + ":" + port + " (" + binDir + ", " + workDir + ")";
    }

    // ---- lifecycle steps ------------------------------------------------------------------------

    private void initdb(String adminUser, String adminPassword) throws IOException, InterruptedException {
        Path pwFile = workDir.resolve("pwfile");
        writePrivate(pwFile, (adminPassword + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            int exit = run(command("initdb", "-D", dataDir().toString(), "-U", adminUser,
                    "--auth=scram-sha-256", "--pwfile=" + pwFile, "-E", "UTF8", "--locale=C", "--no-sync"),
                    workDir.resolve("initdb.log"));
            if (exit != 0) {
                throw new IllegalStateException("initdb failed (exit " + exit + "):\n"
                        + tail(workDir.resolve("initdb.log")));
            }
        } finally {
            Files.deleteIfExists(pwFile);
        }
    }

    private void configure(PostgresSettings settings) throws IOException {
        Path data = dataDir();
        String harnessDefaults = "\n# lava test harness: loopback TCP only, no Unix socket, no durability\n"
                + "listen_addresses = '" + Net.LOOPBACK + "'\n"
                + "unix_socket_directories = ''\n"
                + "fsync = off\n"
                + "synchronous_commit = off\n"
                + "full_page_writes = off\n";
        Files.writeString(data.resolve("postgresql.conf"), harnessDefaults + settings.configText(),
                StandardOpenOption.APPEND);
        Path hba = data.resolve("pg_hba.conf");
        Files.writeString(hba, settings.hbaText(Files.readString(hba)),
                StandardOpenOption.TRUNCATE_EXISTING);
        for (Map.Entry<String, byte[]> file : settings.files().entrySet()) {
            writePrivate(data.resolve(file.getKey()), file.getValue());
        }
    }

    private LocalPostgresCluster startServer() throws IOException, InterruptedException {
        Path log = workDir.resolve("server.log");
        for (int attempt = 1; ; attempt++) {
            int candidate = Net.freePort();
            int exit = run(command("pg_ctl", "start", "-D", dataDir().toString(), "-l", log.toString(),
                    "-w", "-t", "60", "-o", "-p " + candidate), workDir.resolve("pg_ctl.log"));
            if (exit == 0) {
                return new LocalPostgresCluster(binDir, workDir, asRoot, candidate);
            }
            String tail = tail(log);
            if (Files.exists(dataDir().resolve("postmaster.pid"))) {
                pgCtl("stop", "-m", "immediate");
            }
            if (attempt >= START_ATTEMPTS || !tail.contains("could not bind")) {
                throw new IllegalStateException("PostgreSQL (" + binDir + ") did not start, pg_ctl exit " + exit
                        + "; end of the server log:\n" + tail
                        + "\npg_ctl output:\n" + tail(workDir.resolve("pg_ctl.log")));
            }
        }
    }

    private int pgCtl(String action, String... args) throws IOException, InterruptedException {
        List<String> pgArgs = new ArrayList<>(List.of(action, "-D", dataDir().toString(), "-w", "-t", "60"));
        pgArgs.addAll(Arrays.asList(args));
        return run(command("pg_ctl", pgArgs.toArray(String[]::new)), workDir.resolve("pg_ctl.log"));
    }

    private Path dataDir() {
        return workDir.resolve("data");
    }

    // ---- processes ------------------------------------------------------------------------------

    private List<String> command(String tool, String... args) {
        List<String> command = new ArrayList<>();
        if (asRoot) {
            command.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        command.add(binDir.resolve(tool).toString());
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** Runs a command with stdin closed and stdout+stderr appended to {@code log}; returns its exit code. */
    private int run(List<String> command, Path log) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // Keep the caller's libpq settings (PGPORT, PGHOST, PGOPTIONS...) away from the test cluster.
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            throw new IOException(command.get(command.size() - 1) + " timed out after " + COMMAND_TIMEOUT
                    + ": " + String.join(" ", command));
        }
        return process.exitValue();
    }

    // ---- discovery ------------------------------------------------------------------------------

    /**
     * The PostgreSQL server binaries: {@code pg_config --bindir} when it holds {@code initdb}, else the
     * newest {@code /usr/lib/postgresql/<version>/bin} that does.
     */
    static Optional<Path> findBinDir() {
        Optional<Path> fromPgConfig = pgConfigBinDir().filter(LocalPostgresCluster::hasInitdb);
        if (fromPgConfig.isPresent()) {
            return fromPgConfig;
        }
        if (!Files.isDirectory(SYSTEM_INSTALLS)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(SYSTEM_INSTALLS)) {
            return versions
                    .filter(dir -> hasInitdb(dir.resolve("bin")))
                    .max(Comparator.comparing(
                        dir -> dir.getFileName().toString(), LocalPostgresCluster::compareVersions))
                    .map(dir -> dir.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> pgConfigBinDir() {
        try {
            Process process = new ProcessBuilder("pg_config", "--bindir")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            process.getOutputStream().close();
            String out;
            try (InputStream in = process.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return process.exitValue() == 0 && !out.isEmpty() ? Optional.of(Path.of(out)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // pg_config is not on the PATH
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static boolean hasInitdb(Path binDir) {
        return Files.isExecutable(binDir.resolve("initdb")) && Files.isExecutable(binDir.resolve("pg_ctl"));
    }

    private static int compareVersions(String a, String b) {
        String[] left = a.split("\\.");
        String[] right = b.split("\\.");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            int cmp = Integer.compare(versionPart(left, i), versionPart(right, i));
            if (cmp != 0) {
                return cmp;
            }
        }
        return 0;
    }

    private static int versionPart(String[] parts, int index) {
        if (index >= parts.length) {
            return 0;
        }
        try {
            return Integer.parseInt(parts[index]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---- files and ownership --------------------------------------------------------------------

    private static boolean isRoot() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        } catch (LinkageError e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /**
     * A fresh directory under the working directory's {@code target/} (Maven's build directory), or
     * under the system temp directory when there is none or, as root, when the {@code postgres} OS
     * user cannot reach it (e.g. a checkout below a 0700 home directory).
     */
    private static Path createWorkDir(boolean asRoot) throws IOException, InterruptedException {
        Path target = Path.of("target").toAbsolutePath();
        if (Files.isDirectory(target) && Files.isWritable(target)) {
            Path dir = Files.createTempDirectory(target, "pg-");
            if (!asRoot || handOverToPostgres(dir)) {
                return dir;
            }
            deleteQuietly(dir);
        }
        Path dir = Files.createTempDirectory("lava-pg-");
        if (asRoot && !handOverToPostgres(dir)) {
            deleteQuietly(dir);
            throw new IllegalStateException("the '" + OS_USER + "' OS user cannot write to " + dir);
        }
        return dir;
    }

    private static boolean handOverToPostgres(Path dir) throws IOException, InterruptedException {
        chownToPostgres(dir);
        Process check = new ProcessBuilder("runuser", "-u", OS_USER, "--", "test", "-w", dir.toString(),
                "-a", "-x", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        check.getOutputStream().close();
        if (!check.waitFor(30, TimeUnit.SECONDS)) {
            check.destroyForcibly();
            return false;
        }
        return check.exitValue() == 0;
    }

    private static void chownToPostgres(Path path) throws IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(lookup.lookupPrincipalByName(OS_USER));
        try {
            view.setGroup(lookup.lookupPrincipalByGroupName(OS_USER));
        } catch (IOException e) {
            // No group of that name: the owner alone is enough, the permissions are owner-only.
        }
    }

    private void writePrivate(Path file, byte[] content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, content, StandardOpenOption.TRUNCATE_EXISTING);
        if (asRoot) {
            chownToPostgres(file);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(" + log.getFileName() + " is not readable: " + e.getMessage() + ")";
        }
    }

    /** Deletes {@code dir} and everything under it, ignoring failures: leftovers under target/ or /tmp are harmless. */
    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // Best effort: a leftover file under target/ or /tmp is harmless.
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Best effort, as above.
        }
    }
}
