package io.lava.jdbc.testing;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A lava realm on the local stand-ins, set up the way lava keeps one: the DynamoDB table {@code lava.<realm>.connections}
 * and, per connection, a record of type {@code postgres} whose {@code password} names an SSM SecureString under
 * {@code /lava/<realm>/}. Tests that need a realm start here instead of writing tables, records and parameters by hand.
 *
 * <pre>{@code
 * LavaRealm realm = LavaRealm.create(aws, pg, "acc").postgres("warehouse", "dw", "etl", PASSWORD);
 * try (Connection c = DriverManager.getConnection(realm.url("warehouse"), LavaRealm.awsProperties(aws))) { ... }
 * }</pre>
 */
public final class LavaRealm {
    /** The region every test uses for the stand-ins. */
    public static final String REGION = "us-east-1";

    private final LocalAws aws;
    private final LocalPostgres pg;
    private final String name;

    private LavaRealm(LocalAws aws, LocalPostgres pg, String name) {
        this.aws = aws;
        this.pg = pg;
        this.name = name;
    }

    /**
     * Creates the realm's connections table.
     *
     * @param aws the local AWS stand-ins
     * @param pg the throwaway PostgreSQL the realm's records point at
     * @param name the realm
     * @return the realm, with no record yet
     */
    public static LavaRealm create(LocalAws aws, LocalPostgres pg, String name) {
        aws.createConnectionsTable(name);
        return new LavaRealm(aws, pg, name);
    }

    /** @return the realm's name */
    public String name() {
        return name;
    }

    /** @return {@code lava.<realm>.connections} */
    public String table() {
        return LocalAws.connectionsTable(name);
    }

    /** @return {@code /lava/<realm>/<user>}: where {@link #postgres} keeps a user's password */
    public String parameter(String user) {
        return "/lava/" + name + "/" + user;
    }

    /**
     * Puts record {@code connId} for an existing role and database, and the role's password as the SSM parameter
     * {@link #parameter}.
     *
     * @return this realm
     */
    public LavaRealm postgres(String connId, String database, String user, String password) {
        return postgres(connId, database, user, parameter(user), password);
    }

    /**
     * Puts record {@code connId} for an existing role and database whose password is the SSM parameter
     * {@code parameter}, and that parameter.
     *
     * @return this realm
     */
    public LavaRealm postgres(String connId, String database, String user, String parameter, String password) {
        aws.putRecord(table(), postgresRecord(connId, pg, database, user, parameter));
        aws.putParameter(parameter, password);
        return this;
    }

    /**
     * Creates the role and a database it owns, then does what {@link #postgres} does.
     *
     * @return this realm
     * @throws SQLException when the server refuses the role or the database
     */
    public LavaRealm postgresWithDatabase(String connId, String database, String user, String password)
            throws SQLException {
        pg.createRole(user, password);
        pg.createDatabase(database, user);
        return postgres(connId, database, user, password);
    }

    /** @return {@code jdbc:lava-pg:<realm>/<connId>} */
    public String url(String connId) {
        return "jdbc:lava-pg:" + name + "/" + connId;
    }

    /** @return {@link #url} with {@code awsRegion} and {@code awsEndpointUrl} of the local stand-ins as URL parameters */
    public String urlWithAws(String connId) {
        return url(connId) + "?awsRegion=" + REGION + "&awsEndpointUrl="
                + URLEncoder.encode(aws.endpoint(), StandardCharsets.UTF_8);
    }

    /**
     * A valid lava record of type {@code postgres} for the throwaway server, as DynamoDB holds it.
     *
     * @param passwordParameter the SSM parameter name, or {@code null} for none
     * @return a mutable map, for tests to change or remove fields
     */
    public static Map<String, Object> postgresRecord(String connId, LocalPostgres pg, String database, String user,
                                                     String passwordParameter) {
        Map<String, Object> r = new HashMap<>();
        r.put("conn_id", connId);
        r.put("type", "postgres");
        r.put("enabled", true);
        r.put("host", pg.host());
        r.put("port", new BigDecimal(pg.port()));
        r.put("database", database);
        r.put("user", user);
        if (passwordParameter != null) {
            r.put("password", passwordParameter);
        }
        return r;
    }

    /** @return {@code awsEndpointUrl} (the local AWS) and {@code awsRegion}, as driver properties */
    public static Properties awsProperties(LocalAws aws) {
        Properties p = new Properties();
        p.setProperty("awsEndpointUrl", aws.endpoint());
        p.setProperty("awsRegion", REGION);
        return p;
    }

    @Override
    public String toString() {
        return "LavaRealm[" + name + "]";
    }
}
