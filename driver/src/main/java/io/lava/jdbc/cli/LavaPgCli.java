package io.lava.jdbc.cli;

import io.lava.jdbc.internal.Version;
import io.lava.jdbc.internal.engine.SharedEngine;
import java.io.PrintWriter;
import java.sql.SQLException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code lava-pg} command line, the {@code Main-Class} of {@code lava-pg-jdbc-<version>-all.jar}:
 * {@code java -jar lava-pg-jdbc-<version>-all.jar <command> ...}.
 *
 * <ul>
 *   <li>{@code check <url>}: resolves the connection exactly as the driver does, connects, and prints the server
 *       version, user, database, TLS protocol and cipher, where the password came from and how long each step took.
 *   <li>{@code record <url>}: prints the resolved connection (host, port, database, user, effective TLS settings) with
 *       the password redacted.
 *   <li>{@code psql <url> [psql args...]}: runs {@code psql} against the connection, as lava does.
 * </ul>
 *
 * <p>{@code <url>} is a {@code jdbc:lava-pg:} URL ({@link io.lava.jdbc.internal.request.ConnectionRef}), or the same without the
 * {@code jdbc:lava-pg:} prefix ({@code prod/warehouse}); {@code -p key=value} (repeatable) adds connection
 * properties, as the {@code Properties} of {@link java.sql.DriverManager#getConnection(String, java.util.Properties)}
 * would (URL query parameters win). Passwords, tokens and secrets are never printed.
 *
 * <p>Exit codes: {@value #OK} success; {@value #FAILED} the connection could not be resolved or opened (the message and
 * SQLState are printed to stderr); {@value #SOFTWARE} an unexpected error; {@value #USAGE} invalid arguments;
 * {@code psql} exits with psql's own code ({@value #NO_PSQL} when psql cannot be found).
 */
@Command(name = "lava-pg", mixinStandardHelpOptions = true, versionProvider = LavaPgCli.VersionProvider.class,
        exitCodeOnInvalidInput = LavaPgCli.USAGE,
        description = "Resolves jdbc:lava-pg:<realm>/<conn_id> connections as the lava-pg-jdbc driver does.",
        subcommands = {CliCheck.class, CliRecord.class, CliPsql.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:unexpected error", "2:the connection could not be resolved or opened",
                "64:invalid arguments", "psql:psql's own exit code; 127 when no psql is found"})
public final class LavaPgCli implements Runnable {
    /** Exit code: success. */
    public static final int OK = 0;
    /** Exit code: an unexpected error (a bug, or an environment the CLI cannot handle). */
    public static final int SOFTWARE = 1;
    /** Exit code: the connection could not be resolved or opened; the SQLException is printed to stderr. */
    public static final int FAILED = 2;
    /** Exit code: invalid arguments (sysexits' EX_USAGE). */
    public static final int USAGE = 64;
    /** Exit code of {@code psql} when no psql executable can be found (the shell's "command not found"). */
    public static final int NO_PSQL = 127;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the command line, e.g. {@code check jdbc:lava-pg:prod/warehouse}
     */
    public static void main(String[] args) {
        int code;
        try {
            code = execute(args);
        } finally {
            // ends the SDK clients and the driver's threads and removes fetched CA bundles before the JVM exits
            SharedEngine.close();
        }
        System.exit(code);
    }

    /**
     * Runs the command line without exiting, printing to {@code System.out} and {@code System.err}.
     *
     * @param args the command line
     * @return the exit code (see the class description)
     */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line; tests may redirect its output with {@code setOut} / {@code setErr}. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new LavaPgCli());
        cli.setExpandAtFiles(false); // an argument starting with '@' is the user's text, not a file to read
        cli.getSubcommands().get("psql").setStopAtPositional(true); // everything after the URL is psql's
        cli.getSubcommands().values().forEach(sub -> sub.getCommandSpec().exitCodeOnInvalidInput(USAGE));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof SQLException sql) {
                err.println("lava-pg: " + sql.getMessage());
                err.println("SQLState: " + sql.getSQLState());
                err.flush();
                return FAILED;
            }
            // Never a stack trace of values: the class and message only.
            err.println("lava-pg: unexpected error: " + e);
            err.flush();
            return SOFTWARE;
        });
        return cli;
    }

    /** Without a command: prints the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code --version}: the driver's version, the pgjdbc and AWS SDK it runs with (in the {@code -all} jar, the ones
     * it bundles) and the commit it was built from.
     */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lava-pg-jdbc " + Version.FULL, "pgjdbc " + Version.pgjdbc(),
                    "AWS SDK for Java " + Version.awsSdk(), "commit " + Version.COMMIT};
        }
    }
}
