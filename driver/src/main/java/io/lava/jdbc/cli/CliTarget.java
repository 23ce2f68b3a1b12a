package io.lava.jdbc.cli;

import io.lava.jdbc.internal.engine.PreparedConnection;
import io.lava.jdbc.internal.engine.Engine;
import io.lava.jdbc.internal.record.ResolvedConnection;
import io.lava.jdbc.internal.engine.SharedEngine;
import io.lava.jdbc.internal.request.ConnectionRef;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * The connection a CLI command works on: a URL and {@code -p key=value} properties, resolved or connected through the
 * driver's own engine ({@link Engine#resolve}, {@link Engine#open}). A picocli mixin.
 */
final class CliTarget {

    @Parameters(index = "0", paramLabel = "<url>",
            description = "jdbc:lava-pg:<realm>/<conn_id>[?key=value&...], or <realm>/<conn_id>[?...] without the "
                    + "jdbc:lava-pg: prefix")
    String url;

    @Option(names = {"-p", "--property"}, paramLabel = "<key=value>",
            description = "a connection property, as in the driver's Properties (repeatable; URL parameters win), "
                    + "e.g. -p awsRegion=eu-west-1 -p awsProfile=prod")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--database", paramLabel = "<name>",
            description = "another database on the record's server, with the record's host, port, user, credentials "
                    + "and TLS (the database property); default: the record's database")
    String database;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    /**
     * Parses the URL and properties and resolves the connection (record, SSM parameter, secret, IAM token) without
     * connecting.
     *
     * @return the resolution
     * @throws SQLException as the driver throws it: SQLState and a message naming realm, conn_id and step
     * @throws CommandLine.ParameterException (exit code 64) when the URL is another driver's
     */
    PreparedConnection resolve() throws SQLException {
        return SharedEngine.get().resolve(jdbcUrl(), info());
    }

    /**
     * Connects exactly as {@link io.lava.jdbc.LavaPgDriver#connect} does, rotation retry included.
     *
     * @return the connection and how it was reached
     * @throws SQLException as the driver throws it
     * @throws CommandLine.ParameterException (exit code 64) when the URL is another driver's
     */
    Engine.Opened open() throws SQLException {
        return SharedEngine.get().open(jdbcUrl(), info());
    }

    /** @return the {@code -p} properties, and {@code --database} as the {@code database} property */
    private Properties info() {
        Properties info = new Properties();
        properties.forEach(info::setProperty);
        if (database != null) {
            info.setProperty(io.lava.jdbc.LavaPgProperty.DATABASE.getName(), database);
        }
        return info;
    }

    /** @return the URL with the {@code jdbc:lava-pg:} prefix added when it was left out */
    String jdbcUrl() {
        if (ConnectionRef.accepts(url)) {
            return url;
        }
        if (url.startsWith("jdbc:")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "'" + url.split("\\?", 2)[0]
                    + "' is not a " + ConnectionRef.PREFIX + " URL");
        }
        return ConnectionRef.PREFIX + url;
    }

    /**
     * @return the credential path, from {@link ResolvedConnection#passwordSource()}: {@code SSM parameter},
     *     {@code Secrets Manager secret} or {@code RDS IAM token}; which parameter, secret or token is in the
     *     resolution's step sources
     */
    static String passwordSource(ResolvedConnection connection) {
        return switch (connection.passwordSource()) {
            case SSM_PARAMETER -> "SSM parameter";
            case SECRET -> "Secrets Manager secret";
            case IAM_TOKEN -> "RDS IAM token";
        };
    }
}
