package io.lava.jdbc.examples.quickstart;

import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The offline quickstart: starts a throwaway PostgreSQL and a local AWS endpoint (an in-memory DynamoDB and SSM), writes
 * one lava connection record and one SecureString, then opens {@code jdbc:lava-pg:demo/warehouse} with
 * {@link DriverManager#getConnection(String)} and runs a query, printing each step.
 *
 * <p>Run from the repository root: {@code mvn -B -q -DskipTests -pl examples/quickstart -am package exec:java}.
 * Nothing reaches AWS: the AWS SDK is pointed at the local endpoints with dummy credentials through its own system
 * properties, which take precedence over the environment.
 */
public final class Quickstart {
    private static final String REALM = "demo";
    /** Held so that java.util.logging cannot collect the configured logger (it keeps loggers weakly). */
    private static final Logger DRIVER_LOG = Logger.getLogger("io.lava.jdbc");

    private Quickstart() {
    }

    public static void main(String[] args) throws Exception {
        // AWS SDK system properties: region, dummy credentials, local endpoint. They win over any AWS_* environment.
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "AKIDQUICKSTART");
        System.setProperty("aws.secretAccessKey", "quickstart-not-a-secret");
        showDriverLog();

        String password = randomPassword();
        step("1/5", "starting a throwaway PostgreSQL");
        try (LocalPostgres pg = LocalPostgres.start()) {
            pg.createRole("etl", password);
            pg.createDatabase("warehouse", "etl");
            System.out.printf("      PostgreSQL on %s:%d, role 'etl', database 'warehouse'%n", pg.host(), pg.port());

            step("2/5", "starting a local AWS endpoint: in-memory DynamoDB and SSM");
            try (LocalAws aws = LocalAws.start()) {
                System.setProperty("aws.endpointUrl", aws.endpoint());
                System.out.printf("      AWS endpoint %s (DynamoDB, SSM, Secrets Manager)%n", aws.endpoint());

                step("3/5", "writing lava record 'warehouse' to table lava.demo.connections and SecureString "
                        + "/lava/demo/etl-password");
                aws.createConnectionsTable(REALM);
                aws.putRecord("lava." + REALM + ".connections", Map.of(
                        "conn_id", "warehouse",
                        "type", "postgres",
                        "enabled", true,
                        "host", pg.host(),
                        "port", new BigDecimal(pg.port()),
                        "database", "warehouse",
                        "user", "etl",
                        "password", "/lava/demo/etl-password",
                        "description", "quickstart warehouse"));
                aws.putParameter("/lava/demo/etl-password", password);

                step("4/5", "DriverManager.getConnection(\"jdbc:lava-pg:demo/warehouse\")");
                try (Connection c = DriverManager.getConnection("jdbc:lava-pg:demo/warehouse");
                     Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("select current_user, current_database(), "
                             + "current_setting('application_name'), version()")) {
                    rs.next();
                    System.out.printf("      connected as %s to %s, application_name %s%n      %s%n",
                            rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
                    System.out.printf("      connection class %s%n", c.getClass().getName());
                }

                step("5/5", "connecting 10 more times: records and passwords come from the cache");
                DRIVER_LOG.setLevel(Level.INFO);
                for (int i = 0; i < 10; i++) {
                    DriverManager.getConnection("jdbc:lava-pg:demo/warehouse").close();
                }
                System.out.printf("      AWS calls in all: DynamoDB GetItem %d, SSM GetParameter %d%n",
                        aws.calls("DynamoDB_20120810.GetItem"), aws.calls("AmazonSSM.GetParameter"));
            }
        }
        System.out.println("done: everything was local and has been stopped.");
    }

    private static void step(String n, String what) {
        System.out.printf("[%s] %s%n", n, what);
    }

    private static void showDriverLog() {
        System.setProperty("java.util.logging.SimpleFormatter.format", "      driver %4$s: %5$s%n");
        ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(Level.FINE);
        handler.setFormatter(new SimpleFormatter());
        DRIVER_LOG.setLevel(Level.FINE);
        DRIVER_LOG.addHandler(handler);
        DRIVER_LOG.setUseParentHandlers(false);
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
