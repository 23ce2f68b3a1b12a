package io.lava.jdbc.cli;

import io.lava.jdbc.internal.engine.PreparedConnection;
import io.lava.jdbc.internal.pg.PgDelegate;
import io.lava.jdbc.internal.engine.Resolution;
import io.lava.jdbc.internal.record.ResolvedConnection;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;

/**
 * {@code lava-pg record <url>}: resolves the connection as the driver does (record, SSM parameter, secret, IAM token)
 * without connecting, and prints what pgjdbc would be given, the password always redacted. Exit code 0, or 2 when the
 * connection cannot be resolved.
 */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = {"Resolves the connection as the driver does, without connecting, and prints realm, conn_id, "
                + "type, host, port, database, user, where the password comes from, the effective TLS settings, and "
                + "the record, parameter, secret or token it was resolved from.",
                "The password is always shown as (redacted)."})
final class CliRecord implements Callable<Integer> {

    @Mixin
    CliTarget target;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws SQLException {
        PreparedConnection resolved = target.resolve();
        ResolvedConnection c = resolved.connection();
        Properties pg = PgDelegate.pgProperties(resolved.options(), c, System::getenv);
        PrintWriter out = spec.commandLine().getOut();
        line(out, "realm", c.realm());
        line(out, "conn_id", c.connId());
        line(out, "type", c.type().lavaName);
        line(out, "host", c.host());
        line(out, "port", String.valueOf(c.port()));
        line(out, "database", c.database());
        line(out, "user", c.user());
        line(out, "password", "(redacted)");
        line(out, "credentials", CliTarget.passwordSource(c));
        String sslmode = pg.getProperty("sslmode");
        line(out, "sslmode", sslmode != null ? sslmode : "prefer (pgjdbc's default)");
        line(out, "sslrootcert", pg.getProperty("sslrootcert", "(not set)"));
        line(out, "application", pg.getProperty("ApplicationName"));
        line(out, "pgjdbc url", PgDelegate.pgUrl(c));
        String label = "resolved from";
        for (Resolution.StepTiming step : resolved.resolution().steps()) {
            line(out, label, step.source());
            label = "";
        }
        out.flush();
        return LavaPgCli.OK;
    }

    private static void line(PrintWriter out, String name, String value) {
        out.printf(Locale.ROOT, "%-14s %s%n", name.isEmpty() ? "" : name + ":", value);
    }
}
