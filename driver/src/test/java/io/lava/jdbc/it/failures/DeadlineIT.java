package io.lava.jdbc.it.failures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.testing.Slow;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A connect with {@code loginTimeout} (the property, or {@link DriverManager#setLoginTimeout}) ends within it whatever
 * fails: an AWS endpoint that answers too late, an AWS call throttled for ever, a wait for a value another connect is
 * reading, a PostgreSQL that accepts TCP and never answers. Each fails with SQLState 08001 and a message naming
 * {@code loginTimeout}, within the timeout plus a margin for a loaded build machine.
 */
@Slow
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class DeadlineIT {
    private static final String PASSWORD = "deadline-Pa55";
    private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(3);
    /** How much later than loginTimeout a failed connect may end on a busy machine. */
    private static final Duration MARGIN = Duration.ofSeconds(2);
    private static final AtomicInteger REALMS = new AtomicInteger();

    private static LocalPostgres pg;
    private static LocalAws aws;
    private final List<AutoCloseable> faults = new ArrayList<>();

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws Exception {
        pg = postgres;
        aws = localAws;
        pg.createRole("deadline_user", PASSWORD);
        pg.createDatabase("deadline_db", "deadline_user");
        // the JVM's first connect loads DriverManager's drivers, pgjdbc and the AWS SDK: done here, so that each case
        // measures a connect, not the loading of classes
        try (Connection c = DriverManager.getConnection("jdbc:lava-pg:" + realm(Map.of()) + "/db",
                LavaRealm.awsProperties(aws))) {
            assertThat(c.isValid(2)).isTrue();
        }
    }

    @AfterEach
    void clear() throws Exception {
        DriverManager.setLoginTimeout(0);
        for (AutoCloseable fault : faults) {
            fault.close();
        }
        faults.clear();
    }

    /** @return a new realm with record 'db' (SSM password); {@code change} may point it elsewhere */
    private static String realm(Map<String, Object> change) {
        String realm = "deadline" + REALMS.incrementAndGet();
        aws.createConnectionsTable(realm);
        Map<String, Object> record = LavaRealm.postgresRecord("db", pg, "deadline_db", "deadline_user",
                "/lava/" + realm + "/pw");
        record.putAll(change);
        aws.putRecord(LocalAws.connectionsTable(realm), record);
        aws.putParameter("/lava/" + realm + "/pw", PASSWORD);
        return realm;
    }

    private static Properties props(boolean loginTimeoutProperty) {
        Properties p = LavaRealm.awsProperties(aws);
        if (loginTimeoutProperty) {
            p.setProperty("loginTimeout", Long.toString(LOGIN_TIMEOUT.toSeconds()));
        } else {
            DriverManager.setLoginTimeout((int) LOGIN_TIMEOUT.toSeconds());
        }
        return p;
    }

    /** Connects, expecting 08001 naming loginTimeout within loginTimeout plus the margin. */
    private static void failsInTime(String realm, Properties p, String step) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> {
            try (Connection c = DriverManager.getConnection("jdbc:lava-pg:" + realm + "/db", p)) {
                c.isValid(1);
            }
        }).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("08001");
            assertThat(e.getMessage()).contains("realm '" + realm + "'", step, "loginTimeout");
        });
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("time the connect took").isLessThan(LOGIN_TIMEOUT.plus(MARGIN));
    }

    private void fault(String target, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer) {
        faults.add(aws.fault(target, answer));
    }

    @Test
    void anAwsEndpointThatAnswersTooLateByProperty() {
        String realm = realm(Map.of());
        // every attempt times out (3 s each, 3 attempts): without the deadline the connect would take over 9 s
        fault("DynamoDB_20120810.GetItem", aResponse().withStatus(200).withFixedDelay(20_000));
        failsInTime(realm, props(true), "record");
    }

    @Test
    void throttledForEverByProperty() {
        String realm = realm(Map.of());
        fault("AmazonSSM.GetParameter", aResponse().withStatus(400)
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"));
        failsInTime(realm, props(true), "parameter");
    }

    @Test
    void throttledForEverByDriverManager() {
        String realm = realm(Map.of());
        fault("AmazonSSM.GetParameter", aResponse().withStatus(400)
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"));
        failsInTime(realm, props(false), "parameter");
    }

    @Test
    void aWaitForAnotherConnectsReadEndsAtTheDeadline() throws Exception {
        String realm = realm(Map.of());
        fault("AmazonSSM.GetParameter", aResponse().withStatus(200).withFixedDelay(8_000));
        // a connect without loginTimeout starts the read of the parameter (and waits up to awsApiCallTimeout) ...
        Properties patient = LavaRealm.awsProperties(aws);
        patient.setProperty("awsApiCallAttemptTimeout", "10");
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> {
            try (Connection c = DriverManager.getConnection("jdbc:lava-pg:" + realm + "/db", patient)) {
                c.isValid(1);
            } catch (SQLException e) {
                // its outcome does not matter here
            }
        });
        // (its GetParameter has reached the stub, which holds the answer back) ...
        String parameter = "/lava/" + realm + "/pw";
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
             aws.calls("AmazonSSM.GetParameter", parameter) == 0; ) {
            assertThat(System.nanoTime() - end).as("the first connect's GetParameter reached the stub").isNegative();
            Thread.sleep(10);
        }
        // ... and one with loginTimeout waits for that read no longer than its deadline
        failsInTime(realm, props(true), "parameter");
        first.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aPostgresThatNeverAnswersByProperty() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            String realm = realm(Map.of("host", "127.0.0.1", "port", new BigDecimal(silent.port())));
            failsInTime(realm, props(true), "connect");
        }
    }

    @Test
    void aPostgresThatNeverAnswersByDriverManager() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            String realm = realm(Map.of("host", "127.0.0.1", "port", new BigDecimal(silent.port())));
            failsInTime(realm, props(false), "connect");
        }
    }

    @Test
    void aConnectWithinTheDeadlineSucceeds() throws Exception {
        String realm = realm(Map.of());
        try (Connection c = DriverManager.getConnection("jdbc:lava-pg:" + realm + "/db", props(true))) {
            assertThat(c.isValid(2)).isTrue();
        }
    }

    /** Accepts TCP connections and never sends a byte. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread acceptor;

        SilentServer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "silent-postgres");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }
}
