package io.lava.jdbc.it.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.TestEngine;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import io.lava.jdbc.testing.Slow;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A connect inside a password rotation window: the database and the store (SSM Parameter Store or Secrets Manager)
 * disagree for a while, in either order, and the connect rides it out by reading the password again past its cache,
 * with jittered waits, until its deadline. The engine's clock is the test's: each wait moves it on at once, and the
 * rotation's next step runs at a chosen wait. Bounded by the deadline and by the AWS calls counted at the stand-in.
 */
@Slow
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class RotationWindowIT {
    private static final AtomicInteger REALMS = new AtomicInteger();
    private static final String PARAMETER_CALL = "AmazonSSM.GetParameter";
    private static final String SECRET_CALL = "secretsmanager.GetSecretValue";

    private static LocalPostgres pg;
    private static LocalAws aws;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws Exception {
        pg = postgres;
        aws = localAws;
        pg.createDatabase("rotation_db", pg.adminUser());
    }

    /** Where the password is stored. */
    enum Store {
        SSM, SECRETS_MANAGER;

        String call() {
            return this == SSM ? PARAMETER_CALL : SECRET_CALL;
        }
    }

    /** Which side of the rotation moves first. */
    enum Order {
        /** The database has the new password while the store still serves the old one. */
        DATABASE_FIRST,
        /** The store serves the new password before the database has it. */
        STORE_FIRST
    }

    /** One connection whose password rotates. */
    private static final class Rotating {
        final Store store;
        final String realm = "rot" + REALMS.incrementAndGet();
        final String role = realm + "_user";
        final String name = "/lava/" + realm + "/pw";

        Rotating(Store store, String password) throws Exception {
            this.store = store;
            pg.createRole(role, password);
            aws.createConnectionsTable(realm);
            Map<String, Object> r = LavaRealm.postgresRecord("db", pg, "rotation_db", role,
                    store == Store.SSM ? name : null);
            if (store == Store.SECRETS_MANAGER) {
                r.remove("user");
                r.put("secret_id", name);
            }
            aws.putRecord(LocalAws.connectionsTable(realm), r);
            storeSide(password);
        }

        void storeSide(String password) {
            if (store == Store.SSM) {
                aws.putParameter(name, password);
            } else {
                aws.putSecret(name, "{\"username\":\"" + role + "\",\"password\":\"" + password + "\"}");
            }
        }

        void databaseSide(String password) {
            try {
                pg.setPassword(role, password);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        String url() {
            return "jdbc:lava-pg:" + realm + "/db";
        }

        int storeCalls() {
            return aws.calls(store.call());
        }
    }

    private static Properties properties(String... more) {
        Properties p = LavaRealm.awsProperties(aws);
        for (int i = 0; i < more.length; i += 2) {
            p.setProperty(more[i], more[i + 1]);
        }
        return p;
    }

    private static String currentUser(TestEngine engine, String url, Properties p) throws SQLException {
        try (Connection c = engine.connect(url, p); Statement s = c.createStatement();
             var rs = s.executeQuery("select current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @org.junit.jupiter.params.provider.MethodSource("cases")
    void aConnectInsideTheWindowSucceedsWithinItsDeadline(Store store, Order order) throws Exception {
        Rotating db = new Rotating(store, "old-" + store + "-Pa55");
        String next = "new-" + store + "-" + order + "-Pa55";
        try (TestEngine engine = new TestEngine()) {
            Properties p = properties("loginTimeout", "20");
            assertThat(currentUser(engine, db.url(), p)).isEqualTo(db.role);
            if (order == Order.DATABASE_FIRST) {
                db.databaseSide(next); // setSecret: the store still serves the old password for a while
            } else {
                engine.advance(Duration.ofMinutes(10)); // the cached password is due: the next connect reads it
                db.storeSide(next); // the store serves the new password before the database has it
            }
            int calls = db.storeCalls();
            long retries = engine.metrics().getAuthRetries();
            long refetches = engine.metrics().getPasswordRefetches();
            // the rotation's other side follows at the connect's third wait
            AtomicInteger waits = new AtomicInteger();
            engine.onPause(delay -> {
                if (waits.incrementAndGet() == 3) {
                    if (order == Order.DATABASE_FIRST) {
                        db.storeSide(next);
                    } else {
                        db.databaseSide(next);
                    }
                }
            });

            assertThat(currentUser(engine, db.url(), p)).isEqualTo(db.role);

            List<Duration> pauses = engine.pauses();
            assertThat(pauses).as("waited until the rotation's other side followed").hasSize(3);
            assertThat(pauses.stream().mapToLong(Duration::toMillis).sum()).as("within loginTimeout")
                    .isLessThan(20_000);
            assertThat(pauses.get(0)).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
            assertThat(pauses.get(2)).isBetween(Duration.ofMillis(1000), Duration.ofMillis(2000));
            // one read per retry, past the cache. Database first: the old password three times, then the new one.
            // Store first: the due value once (the new password, refused), then three retries of it
            int tries = order == Order.DATABASE_FIRST ? 4 : 3;
            assertThat(db.storeCalls() - calls).isEqualTo(4);
            assertThat(engine.metrics().getPasswordRefetches() - refetches).isEqualTo(tries);
            assertThat(engine.metrics().getAuthRetries() - retries).isEqualTo(tries);
            assertThat(aws.calls("DynamoDB_20120810.GetItem")).as("the record stays cached").isPositive();

            // the fresh password is the cached one now: the next connect reads nothing
            engine.onPause(delay -> { });
            int settled = db.storeCalls();
            assertThat(currentUser(engine, db.url(), p)).isEqualTo(db.role);
            assertThat(db.storeCalls()).isEqualTo(settled);
        }
    }

    static List<org.junit.jupiter.params.provider.Arguments> cases() {
        List<org.junit.jupiter.params.provider.Arguments> all = new java.util.ArrayList<>();
        for (Store s : Store.values()) {
            for (Order o : Order.values()) {
                all.add(org.junit.jupiter.params.provider.Arguments.of(s, o));
            }
        }
        return all;
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aPasswordTheDatabaseNeverTakesFailsAtTheDeadlineAfterBoundedCalls(Store store) throws Exception {
        Rotating db = new Rotating(store, "kept-" + store + "-Pa55");
        try (TestEngine engine = new TestEngine()) {
            Properties p = properties("loginTimeout", "10");
            assertThat(currentUser(engine, db.url(), p)).isEqualTo(db.role);
            db.databaseSide("elsewhere-" + store + "-Pa55"); // the store never follows
            int calls = db.storeCalls();
            int records = aws.calls("DynamoDB_20120810.GetItem");

            assertThatThrownBy(() -> currentUser(engine, db.url(), p))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"))
                    .hasMessageContaining("server still refused them")
                    .hasMessageContaining("in case it was being rotated");

            long waited = engine.pauses().stream().mapToLong(Duration::toMillis).sum();
            assertThat(waited).as("every wait left a second of loginTimeout to try").isLessThanOrEqualTo(9_000);
            assertThat(engine.pauses()).as("waits grow to at most 4 s").allSatisfy(d ->
                    assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(4)));
            int reads = db.storeCalls() - calls;
            assertThat(reads).as("one read of the password per try").isEqualTo(engine.pauses().size() + 1)
                    .isBetween(3, 12);
            assertThat(aws.calls("DynamoDB_20120810.GetItem")).as("the record is not read again")
                    .isEqualTo(records);
        }
    }

    @Test
    void withoutLoginTimeoutTheWindowIsThirtySeconds() throws Exception {
        Rotating db = new Rotating(Store.SSM, "default-window-Pa55");
        try (TestEngine engine = new TestEngine()) {
            Properties p = properties();
            assertThat(currentUser(engine, db.url(), p)).isEqualTo(db.role);
            db.databaseSide("default-window-elsewhere-Pa55");
            assertThatThrownBy(() -> currentUser(engine, db.url(), p)).isInstanceOf(SQLException.class);
            long waited = engine.pauses().stream().mapToLong(Duration::toMillis).sum();
            assertThat(waited).isBetween(20_000L, 29_000L);
        }
    }

    @Test
    void otherFailuresAreNotRetried() throws Exception {
        Rotating db = new Rotating(Store.SSM, "no-retry-Pa55");
        try (TestEngine engine = new TestEngine()) {
            Map<String, Object> r = LavaRealm.postgresRecord("db", pg, "no_such_database", db.role, db.name);
            aws.putRecord(LocalAws.connectionsTable(db.realm), r);
            int calls = db.storeCalls();
            assertThatThrownBy(() -> currentUser(engine, db.url(), properties()))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("3D000"));
            assertThat(engine.pauses()).isEmpty();
            assertThat(engine.metrics().getAuthRetries()).isZero();
            assertThat(db.storeCalls() - calls).isEqualTo(1);
        }
    }
}
