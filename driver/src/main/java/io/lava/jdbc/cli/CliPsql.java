package io.lava.jdbc.cli;

import io.lava.jdbc.internal.engine.PreparedConnection;
import io.lava.jdbc.internal.pg.PgDelegate;
import io.lava.jdbc.internal.record.ResolvedConnection;
import io.lava.jdbc.internal.request.SslMode;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code lava-pg psql <url> [psql args...]}: runs {@code psql} against the resolved connection the way lava does
 * ({@code docs/lava.md}, "psql"): lava's flags, then the user's arguments; {@code PGHOST}, {@code PGPORT},
 * {@code PGUSER}, {@code PGDATABASE}, {@code PGSSLMODE}, {@code PGSSLROOTCERT} (when set) and {@code PGAPPNAME} in the
 * environment; a password shorter than 99 characters in a private temporary {@code .pgpass} file (owner read/write
 * only, deleted when psql exits), a longer one (an RDS IAM token) in {@code PGPASSWORD}. {@code PGSSLMODE} is the mode
 * the driver gives pgjdbc ({@link io.lava.jdbc.internal.pg.TlsPolicy#apply}), so an IAM token only travels over TLS.
 *
 * <p>Options go before the URL; everything after it is psql's. stdin, stdout and stderr are psql's; while it runs,
 * Ctrl-C is left to psql (it cancels the query). Exit code: psql's; 2 when the connection cannot be resolved; 127 when
 * no psql is found.
 */
@Command(name = "psql", mixinStandardHelpOptions = true,
        description = {"Runs psql against the connection, as lava does: psql --no-psqlrc --quiet --no-password "
                + "--set ON_ERROR_STOP=on --pset footer=off [psql args...], with PGHOST, PGPORT, PGUSER, PGDATABASE, "
                + "PGSSLMODE, PGSSLROOTCERT and PGAPPNAME set, and the password in a temporary pgpass file (or in "
                + "PGPASSWORD when it is 99 characters or longer, as RDS IAM tokens are).",
                "Options go before <url>; every argument after it goes to psql. Exits with psql's exit code."})
final class CliPsql implements Callable<Integer> {
    /** lava's psql flags, in lava's order. */
    static final List<String> LAVA_FLAGS = List.of("--no-psqlrc", "--quiet", "--no-password", "--set",
            "ON_ERROR_STOP=on", "--pset", "footer=off");
    /** lava's rule: passwords shorter than this go into a .pgpass file, longer ones into PGPASSWORD. */
    static final int PGPASS_LIMIT = 99;
    /**
     * libpq variables lava sets, and those that would otherwise change where psql connects, as whom, or which
     * password it sends; inherited values are dropped.
     */
    static final List<String> LIBPQ_TARGET = List.of("PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGDATABASE",
            "PGPASSWORD", "PGPASSFILE", "PGSERVICE", "PGSSLMODE", "PGREQUIRESSL", "PGSSLROOTCERT", "PGAPPNAME");

    @Mixin
    CliTarget target;

    @Parameters(index = "1..*", paramLabel = "<psql args>", description = "passed to psql unchanged")
    List<String> psqlArgs = new ArrayList<>();

    @Option(names = "--psql", paramLabel = "<path>",
            description = "the psql executable; default: psql on the PATH, else a PostgreSQL bindir such as "
                    + "/usr/lib/postgresql/<version>/bin")
    Path psql;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws SQLException, IOException, InterruptedException {
        PreparedConnection resolved = target.resolve();
        Path executable = psql != null ? psql : findPsql(System.getenv("PATH"));
        if (executable == null) {
            spec.commandLine().getErr().println("lava-pg: psql not found on the PATH nor in a PostgreSQL bindir; "
                    + "install the PostgreSQL client or pass --psql <path>");
            return LavaPgCli.NO_PSQL;
        }
        ResolvedConnection c = resolved.connection();
        Properties pg = PgDelegate.pgProperties(resolved.options(), c, System::getenv);
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(LAVA_FLAGS);
        command.addAll(psqlArgs);
        Path pgpass = null;
        Thread cleanup = null;
        try {
            if (c.password().length() < PGPASS_LIMIT) {
                pgpass = writePgpass(pgpassLine(c));
                Path file = pgpass;
                cleanup = new Thread(() -> deleteQuietly(file), "lava-pg-pgpass-cleanup");
                Runtime.getRuntime().addShutdownHook(cleanup);
            }
            ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
            builder.environment().clear();
            builder.environment().putAll(environment(System.getenv(), c, pg, pgpass));
            leaveInterruptsToPsql();
            Process process = builder.start();
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                process.destroy();
                throw e;
            }
        } finally {
            if (pgpass != null) {
                deleteQuietly(pgpass);
                removeHook(cleanup);
            }
        }
    }

    /**
     * The environment psql runs with.
     *
     * @param inherited this process's environment; its {@link #LIBPQ_TARGET} variables are dropped
     * @param c the resolved connection
     * @param pg the properties the driver would give pgjdbc ({@link PgDelegate#pgProperties}), for {@code sslmode},
     *     {@code sslrootcert} and {@code ApplicationName}
     * @param pgpassFile the .pgpass file holding the password, or {@code null} to pass it in {@code PGPASSWORD}
     * @return a new map
     */
    static Map<String, String> environment(Map<String, String> inherited, ResolvedConnection c, Properties pg,
                                           Path pgpassFile) {
        Map<String, String> env = new HashMap<>(inherited);
        LIBPQ_TARGET.forEach(env::remove);
        env.put("PGHOST", c.host());
        env.put("PGPORT", String.valueOf(c.port()));
        env.put("PGUSER", c.user());
        env.put("PGDATABASE", c.database());
        env.put("PGSSLMODE", pg.getProperty("sslmode", SslMode.PREFER.pgName()));
        if (pg.getProperty("sslrootcert") != null) {
            env.put("PGSSLROOTCERT", pg.getProperty("sslrootcert"));
        }
        env.put("PGAPPNAME", pg.getProperty("ApplicationName"));
        if (pgpassFile != null) {
            env.put("PGPASSFILE", pgpassFile.toString());
        } else {
            env.put("PGPASSWORD", c.password());
        }
        return env;
    }

    /**
     * @return the .pgpass line for this host, port, user and any database, {@code :} and {@code \} escaped as libpq
     *     reads them
     */
    static String pgpassLine(ResolvedConnection c) {
        return escape(c.host()) + ":" + c.port() + ":*:" + escape(c.user()) + ":" + escape(c.password()) + "\n";
    }

    private static String escape(String field) {
        return field.replace("\\", "\\\\").replace(":", "\\:");
    }

    /** Creates the file readable and writable by its owner only, before anything is written to it. */
    private static Path writePgpass(String line) throws IOException {
        Path file;
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            file = Files.createTempFile("lava-pg-", ".pgpass", PosixFilePermissions.asFileAttribute(
                    EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        } else {
            file = Files.createTempFile("lava-pg-", ".pgpass");
            File f = file.toFile();
            boolean restricted = f.setReadable(false, false) & f.setReadable(true, true)
                    & f.setWritable(false, false) & f.setWritable(true, true);
            if (!restricted) {
                deleteQuietly(file);
                throw new IOException("cannot make " + file + " private to its owner");
            }
        }
        Files.writeString(file, line);
        return file;
    }

    /**
     * @param path the PATH to search, may be {@code null}
     * @return {@code psql} on the PATH, else in the newest PostgreSQL bindir found, else {@code null}
     */
    static Path findPsql(String path) {
        String name = File.separatorChar == '\\' ? "psql.exe" : "psql";
        List<Path> candidates = new ArrayList<>();
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, name));
                }
            }
        }
        candidates.addAll(versioned(Path.of("/usr/lib/postgresql"), "", name)); // Debian, Ubuntu
        candidates.addAll(versioned(Path.of("/usr"), "pgsql-", name)); // PGDG RPMs
        candidates.add(Path.of("/usr/local/pgsql/bin", name)); // built from source
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    /** {@code <root>/<prefix><version>/bin/<name>}, newest version first. */
    private static List<Path> versioned(Path root, String prefix, String name) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.map(d -> d.getFileName().toString())
                    .filter(d -> d.startsWith(prefix) && d.substring(prefix.length()).matches("\\d+(\\.\\d+)?"))
                    .sorted(Comparator.comparingDouble((String d) -> Double.parseDouble(d.substring(prefix.length())))
                            .reversed())
                    .map(d -> root.resolve(d).resolve("bin").resolve(name))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Ctrl-C reaches both the JVM and psql; psql cancels the running query and carries on, so the JVM must not exit
     * and orphan it. Uses {@code sun.misc.Signal} when present; a handled (not ignored) signal is reset to its default
     * in psql by exec, so psql installs its own handler as usual.
     */
    private static void leaveInterruptsToPsql() {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object ignore = Proxy.newProxyInstance(CliPsql.class.getClassLoader(), new Class<?>[] {handler},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "lava-pg: SIGINT goes to psql";
                        default -> null;
                    });
            signal.getMethod("handle", signal, handler)
                    .invoke(null, signal.getConstructor(String.class).newInstance("INT"), ignore);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // Not available here: Ctrl-C then ends the JVM as well, as for any Java program.
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // best effort; the file is private to its owner
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook deletes the file
        }
    }
}
