package io.lava.jdbc.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.internal.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Engine#open}: pgjdbc's connect with the resolved credentials, and the one retry with fresh ones when the server
 * refuses them (a rotated password). The server is a stand-in on a local port that speaks the start of PostgreSQL's
 * protocol (cleartext password, then success or SQLState 28P01); the sources are fakes, time a counter.
 */
class EngineConnectTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final FakeSources sources = new FakeSources();
    private final Metrics metrics = new Metrics();
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private final Engine engine = new Engine(key -> null, now::get, Runnable::run, metrics, sources,
            io.lava.jdbc.internal.policy.Policy.NONE, delay -> {
                pauses.add(delay);
                now.addAndGet(delay.toNanos());
            });
    private final PasswordServer server = new PasswordServer(() -> now.addAndGet(Duration.ofMillis(7).toNanos()));

    @AfterEach
    void close() throws IOException {
        engine.close();
        server.close();
    }

    /** Accepts one password, refuses every other with 28P01; runs {@code onConnect} as each connect starts. */
    static final class PasswordServer implements AutoCloseable {
        final ServerSocket socket;
        final List<String> passwordsSeen = new CopyOnWriteArrayList<>();
        volatile String accepted;
        private final Runnable onConnect;

        PasswordServer(Runnable onConnect) {
            this.onConnect = onConnect;
            try {
                socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Thread t = new Thread(this::serve, "password-server");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    client.setSoTimeout(10_000);
                    session(new DataInputStream(client.getInputStream()),
                            new DataOutputStream(client.getOutputStream()));
                } catch (IOException e) {
                    // the client went away, or the server was closed
                }
            }
        }

        private void session(DataInputStream in, DataOutputStream out) throws IOException {
            while (true) {
                int length = in.readInt();
                int code = in.readInt();
                if (code == 80877103 || code == 80877104) { // SSLRequest, GSSENCRequest: no
                    out.write('N');
                    out.flush();
                    continue;
                }
                in.readNBytes(length - 8); // the startup parameters
                break;
            }
            onConnect.run();
            message(out, 'R', intBytes(3)); // AuthenticationCleartextPassword
            if (in.read() != 'p') {
                return;
            }
            byte[] body = in.readNBytes(in.readInt() - 4);
            String password = new String(body, 0, body.length - 1, StandardCharsets.UTF_8);
            passwordsSeen.add(password);
            if (!password.equals(accepted)) {
                ByteArrayOutputStream error = new ByteArrayOutputStream();
                for (String field : new String[] {"SFATAL", "VFATAL", "C28P01",
                        "Mpassword authentication failed for user \"etl\""}) {
                    error.writeBytes(field.getBytes(StandardCharsets.UTF_8));
                    error.write(0);
                }
                error.write(0);
                message(out, 'E', error.toByteArray());
                return;
            }
            message(out, 'R', intBytes(0)); // AuthenticationOk
            for (String[] p : new String[][] {{"server_version", "16.0"}, {"client_encoding", "UTF8"},
                    {"DateStyle", "ISO, MDY"}, {"integer_datetimes", "on"}, {"standard_conforming_strings", "on"},
                    {"TimeZone", "UTC"}}) {
                ByteArrayOutputStream status = new ByteArrayOutputStream();
                status.writeBytes((p[0] + "\0" + p[1] + "\0").getBytes(StandardCharsets.UTF_8));
                message(out, 'S', status.toByteArray());
            }
            ByteArrayOutputStream key = new ByteArrayOutputStream();
            key.writeBytes(intBytes(42));
            key.writeBytes(intBytes(7));
            message(out, 'K', key.toByteArray());
            message(out, 'Z', new byte[] {'I'});
            answerQueries(in, out);
        }

        /** What pgjdbc sends after the start (its setup statements), answered as a server that runs them. */
        private static void answerQueries(DataInputStream in, DataOutputStream out) throws IOException {
            while (true) {
                int type = in.read();
                if (type < 0 || type == 'X') {
                    return;
                }
                byte[] body = in.readNBytes(in.readInt() - 4);
                switch (type) {
                    case 'P' -> message(out, '1', new byte[0]);
                    case 'B' -> message(out, '2', new byte[0]);
                    case 'D' -> {
                        if (body[0] == 'S') {
                            message(out, 't', new byte[] {0, 0});
                        }
                        message(out, 'n', new byte[0]);
                    }
                    case 'E' -> message(out, 'C', "SET\0".getBytes(StandardCharsets.UTF_8));
                    case 'C' -> message(out, '3', new byte[0]);
                    case 'S' -> message(out, 'Z', new byte[] {'I'});
                    case 'Q' -> {
                        message(out, 'C', "SET\0".getBytes(StandardCharsets.UTF_8));
                        message(out, 'Z', new byte[] {'I'});
                    }
                    default -> {
                        // Flush and the like: nothing to answer
                    }
                }
            }
        }

        private static byte[] intBytes(int v) {
            return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }

        private static void message(DataOutputStream out, char type, byte[] body) throws IOException {
            out.write(type);
            out.writeInt(body.length + 4);
            out.write(body);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private void record(int port) {
        Map<String, Object> r = new HashMap<>();
        r.put("type", "postgres");
        r.put("enabled", true);
        r.put("host", "127.0.0.1");
        r.put("port", new BigDecimal(port));
        r.put("database", "dw");
        r.put("user", "etl");
        r.put("password", "/lava/prod/etl");
        sources.records.put("wh", r);
    }

    private Engine.Opened open(String query) throws SQLException {
        return engine.open("jdbc:lava-pg:prod/wh?sslmode=disable" + query, new Properties());
    }

    @Test
    void theResolvedCredentialsOpenPgjdbcsOwnConnection() throws Exception {
        record(server.port());
        sources.parameters.put("/lava/prod/etl", "pw-1");
        server.accepted = "pw-1";
        Engine.Opened opened = open("");
        try (Connection c = opened.connection()) {
            assertThat(c.getClass().getName()).isEqualTo("org.postgresql.jdbc.PgConnection");
            assertThat((Throwable) opened.refused()).isNull();
            assertThat(opened.connectNanos()).as("pgjdbc's connect, on the engine's clock")
                    .isEqualTo(Duration.ofMillis(7).toNanos());
            assertThat(opened.request().ref().connId()).isEqualTo("wh");
            assertThat(opened.resolution().connection().password()).isEqualTo("pw-1");
        }
        assertThat(server.passwordsSeen).containsExactly("pw-1");
        assertThat(metrics.getAuthRetries()).isZero();
    }

    @Test
    void aRefusedPasswordIsReadAgainFromItsSourceAndTriedOnce() throws Exception {
        record(server.port());
        sources.parameters.put("/lava/prod/etl", "pw-1");
        server.accepted = "pw-1";
        open("").connection().close();
        open("&ApplicationName=other").connection().close(); // another pool, its resolution reused from now on
        // the password is rotated: the cached one is refused
        sources.parameters.put("/lava/prod/etl", "pw-2");
        server.accepted = "pw-2";
        Engine.Opened opened = open("");
        try (Connection c = opened.connection()) {
            assertThat(c).isNotNull();
            assertThat(opened.refused().getSQLState()).isEqualTo("28P01");
            assertThat(opened.resolution().connection().password()).isEqualTo("pw-2");
            assertThat(opened.connectNanos()).isEqualTo(Duration.ofMillis(7).toNanos());
        }
        assertThat(server.passwordsSeen).containsExactly("pw-1", "pw-1", "pw-1", "pw-2");
        assertThat(metrics.getAuthRetries()).isEqualTo(1);
        assertThat(sources.parameterReads).as("read again after the refusal").hasValue(2);
        int seen = server.passwordsSeen.size();
        Engine.Opened other = open("&ApplicationName=other");
        other.connection().close();
        assertThat(server.passwordsSeen.subList(seen, server.passwordsSeen.size()))
                .as("the other pool's reuse ended: it sends the new password at once").containsExactly("pw-2");
        assertThat((Throwable) other.refused()).isNull();
        assertThat(metrics.getAuthRetries()).isEqualTo(1);
    }

    @Test
    void aSecondRefusalSaysTheCredentialsWereRefreshedAndKeepsTheFirst() {
        record(server.port());
        sources.parameters.put("/lava/prod/etl", "pw-1");
        server.accepted = "something else";
        assertThatThrownBy(() -> open("")).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("28P01");
            assertThat(e.getMessage()).startsWith("lava-pg realm 'prod', conn_id 'wh': connect: credentials were "
                    + "refreshed from their source and the server still refused them")
                    .contains("reading the password again from its store each time, in case it was being rotated");
            assertThat(e.getSuppressed()).hasSize(1);
            assertThat(((SQLException) e.getSuppressed()[0]).getSQLState()).isEqualTo("28P01");
        });
        // the same password, retried with growing waits until the rotation window (30 s without loginTimeout) ended
        assertThat(server.passwordsSeen).containsOnly("pw-1").hasSize(pauses.size() + 1);
        assertThat(pauses).hasSizeBetween(7, 14);
        assertThat(pauses.stream().mapToLong(Duration::toMillis).sum()).isBetween(25_000L, 29_000L);
        assertThat(metrics.getAuthRetries()).isEqualTo(pauses.size());
        assertThat(metrics.getPasswordRefetches()).isEqualTo(pauses.size() + 1);
        assertThat(sources.parameterReads).hasValue(pauses.size() + 2);
    }

    @Test
    void aServerThatCannotBeReachedIsNotRetried() throws IOException {
        // port 1 on the loopback: nothing listens there (a port just closed could be taken again by another process)
        record(1);
        sources.parameters.put("/lava/prod/etl", "pw-1");
        assertThatThrownBy(() -> open("&connectTimeout=2")).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).startsWith("08"));
        assertThat(metrics.getAuthRetries()).isZero();
        assertThat(sources.recordReads).hasValue(1);
    }

    @Test
    void aClosedEngineRefusesEvenWhatItCouldResolve() throws Exception {
        ObjectName name = new ObjectName(Metrics.OBJECT_NAME);
        boolean held = ManagementFactory.getPlatformMBeanServer().isRegistered(name);
        record(server.port());
        sources.parameters.put("/lava/prod/etl", "pw-1");
        metrics.register();
        engine.close();
        if (!held) {
            assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(name))
                    .as("its counters are unregistered").isFalse();
        }
        for (String query : List.of("", "&ApplicationName=x")) {
            assertThatThrownBy(() -> open(query)).isInstanceOfSatisfying(SQLException.class, e -> {
                assertThat(e.getSQLState()).isEqualTo("08001");
                assertThat(e.getMessage()).startsWith("lava-pg: this driver was deregistered");
            });
        }
        assertThat(sources.recordReads).hasValue(0);
        assertThat(sources.closed).isTrue();
    }
}
