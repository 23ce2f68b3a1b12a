package io.lava.jdbc.cli;

import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.engine.Engine;
import io.lava.jdbc.internal.pg.PgDelegate;
import io.lava.jdbc.internal.engine.Resolution;
import io.lava.jdbc.internal.record.ResolvedConnection;
import io.lava.jdbc.internal.request.ConnectionRef;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;

/**
 * {@code lava-pg check <url>}: resolves and connects exactly as {@link io.lava.jdbc.LavaPgDriver#connect} does ({@link Engine#open},
 * rotation retry included, and reported when it happens), then prints what the server says about the session and how
 * long each step took. Exit code 0 when connected, 2 (with the SQLException's
 * message and SQLState on stderr) when not.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Resolves the connection as the driver does, connects, and prints the server version, user, "
                + "database, TLS protocol and cipher, where the password came from, and the time of each step.",
                "The password itself is never printed."})
final class CliCheck implements Callable<Integer> {

    @Mixin
    CliTarget target;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws SQLException {
        Engine.Opened opened = target.open();
        ResolvedConnection connection = opened.resolution().connection();
        ConnectionRef ref = opened.request().ref();
        try (Connection c = opened.connection()) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("lava-pg check " + ref.realm() + "/" + ref.connId() + ": connected");
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select current_setting('server_version'), current_user, "
                         + "current_database(), (select ssl from pg_stat_ssl where pid = pg_backend_pid()), "
                         + "(select version from pg_stat_ssl where pid = pg_backend_pid()), "
                         + "(select cipher from pg_stat_ssl where pid = pg_backend_pid())")) {
                rs.next();
                line(out, "server", "PostgreSQL " + rs.getString(1) + " at " + connection.host() + ":"
                        + connection.port());
                line(out, "user", rs.getString(2));
                line(out, "database", rs.getString(3));
                line(out, "tls", rs.getBoolean(4) ? rs.getString(5) + " " + rs.getString(6) : "no TLS");
            }
            line(out, "credentials", CliTarget.passwordSource(connection));
            if (opened.refused() != null) {
                line(out, "retry", "the server refused the first credentials (SQLState "
                        + opened.refused().getSQLState() + "); they were read again from their source and accepted");
            }
            out.println("steps (ms):");
            for (Resolution.StepTiming step : opened.resolution().steps()) {
                step(out, step.step().label, step.nanos(), (step.fromCache() ? "(cached) " : "") + step.source());
            }
            step(out, Errors.Step.CONNECT.label, opened.connectNanos(), "pgjdbc " + PgDelegate.pgUrl(connection));
            out.flush();
        }
        return LavaPgCli.OK;
    }

    private static void line(PrintWriter out, String name, String value) {
        out.printf(Locale.ROOT, "  %-12s %s%n", name + ":", value);
    }

    private static void step(PrintWriter out, String name, long nanos, String what) {
        out.printf(Locale.ROOT, "  %-12s %8.1f  %s%n", name, nanos / 1e6, what);
    }
}
