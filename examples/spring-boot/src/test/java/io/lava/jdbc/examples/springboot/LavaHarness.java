package io.lava.jdbc.examples.springboot;

import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import java.sql.SQLException;

/** Puts one lava record, its SSM password and its database into the driver's test harness. */
final class LavaHarness {
    static final String USER = "boot_etl";
    static final String DATABASE = "boot_dw";
    private static final String PASSWORD = "boot-Pa55-w0rd!";

    private LavaHarness() {
    }

    /** Role, database, table {@code lava.<realm>.connections} with record {@code connId}, SSM password. */
    static void putWarehouse(LocalPostgres pg, LocalAws aws, String realm, String connId) throws SQLException {
        pg.createRole(USER, PASSWORD);
        pg.createDatabase(DATABASE, USER);
        LavaRealm.create(aws, pg, realm).postgres(connId, DATABASE, USER, "/lava/" + realm + "/etl", PASSWORD);
    }
}
