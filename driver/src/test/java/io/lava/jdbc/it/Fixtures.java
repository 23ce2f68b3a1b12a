package io.lava.jdbc.it;

import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** What the end-to-end tests share: lava records, the driver properties for the local AWS, one-value queries. */
public final class Fixtures {
    private Fixtures() {
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

    /** @return {@code awsEndpointUrl} (the local AWS) and {@code awsRegion} */
    public static Properties awsProperties(LocalAws aws) {
        Properties p = new Properties();
        p.setProperty("awsEndpointUrl", aws.endpoint());
        p.setProperty("awsRegion", "us-east-1");
        return p;
    }

    /** @return the first column of the first row of {@code sql} */
    public static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
