package io.lava.jdbc.examples.springboot4;

import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.Map;

/** Puts one lava record, its SSM password and its database into the driver's test harness. */
final class LavaHarness {
    static final String USER = "boot4_etl";
    static final String DATABASE = "boot4_dw";
    private static final String PASSWORD = "boot4-Pa55-w0rd!";

    private LavaHarness() {
    }

    /** Role, database, table {@code lava.<realm>.connections} with record {@code connId}, SSM password. */
    static void putWarehouse(LocalPostgres pg, LocalAws aws, String realm, String connId) throws SQLException {
        pg.createRole(USER, PASSWORD);
        pg.createDatabase(DATABASE, USER);
        aws.createConnectionsTable(realm);
        aws.putRecord(LocalAws.connectionsTable(realm), Map.of("conn_id", connId, "type", "postgres",
                "enabled", true, "host", pg.host(), "port", new BigDecimal(pg.port()), "database", DATABASE,
                "user", USER, "password", "/lava/" + realm + "/etl"));
        aws.putParameter("/lava/" + realm + "/etl", PASSWORD);
    }
}
