package io.lava.jdbc.it.failures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.TestEngine;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.S3StandIn;
import io.lava.jdbc.testing.SecretLeakGuard;
import io.lava.jdbc.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Answers are not failures: once its TTL has passed, a cached value whose source answers that it no longer holds (the
 * record not found, not enabled or invalid, in DynamoDB or in a records file; the SSM parameter, the secret or the
 * {@code s3://} CA bundle deleted; access or KMS denied) is dropped and the connect refused with the answer's SQLState,
 * however long {@code maxStale} is. Before the TTL the cached value still serves. An outage of the same source (HTTP
 * 5xx) keeps serving it. Each row is one answer kind, on an engine whose clock the test moves.
 */
@Slow
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class RevocationIT {
    private static final String PASSWORD = "revoke-Pa55";
    private static final String BUCKET = "lava-revoke-ca";
    private static final String CA_KEY = "certs/ca.pem";
    private static final Duration TTL = Duration.ofSeconds(60);
    private static final AtomicInteger REALMS = new AtomicInteger();

    private static LocalPostgres pg;
    private static LocalAws aws;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp(LocalPostgres postgres, LocalAws localAws) throws Exception {
        pg = postgres;
        aws = localAws;
        pg.createRole("revoke_user", PASSWORD);
        pg.createDatabase("revoke_db", "revoke_user");
    }

    /** Where the connection's record, password and CA bundle live, and what changes there. */
    private record Realm(String name, Path file) {
        String table() {
            return LocalAws.connectionsTable(name);
        }

        String parameter() {
            return "/lava/" + name + "/pw";
        }

        String secret() {
            return "/lava/" + name + "/secret";
        }
    }

    /** One answer of a source, and the SQLState the connect gets once the TTL has passed. */
    enum Answer {
        RECORD_DISABLED("28000") {
            @Override
            void apply(Realm realm) throws Exception {
                Map<String, Object> r = record(realm);
                r.put("enabled", false);
                put(realm, r);
            }
        },
        RECORD_DELETED("08001") {
            @Override
            void apply(Realm realm) throws Exception {
                if (realm.file() != null) {
                    Files.writeString(realm.file(), "{}");
                } else {
                    aws.deleteRecord(realm.table(), "db");
                }
            }
        },
        RECORD_INVALID("08001") {
            @Override
            void apply(Realm realm) throws Exception {
                Map<String, Object> r = record(realm);
                r.put("type", "mysql");
                put(realm, r);
            }
        },
        FILE_RECORD_DISABLED("28000", true) {
            @Override
            void apply(Realm realm) throws Exception {
                RECORD_DISABLED.apply(realm);
            }
        },
        FILE_RECORD_DELETED("08001", true) {
            @Override
            void apply(Realm realm) throws Exception {
                RECORD_DELETED.apply(realm);
            }
        },
        FILE_RECORD_INVALID("08001", true) {
            @Override
            void apply(Realm realm) throws Exception {
                RECORD_INVALID.apply(realm);
            }
        },
        PARAMETER_DELETED("08001") {
            @Override
            void apply(Realm realm) {
                aws.failParameter(realm.parameter(), 400, "ParameterNotFound", "Parameter not found");
            }
        },
        PARAMETER_ACCESS_DENIED("28000") {
            @Override
            void apply(Realm realm) {
                aws.failParameter(realm.parameter(), 400, "AccessDeniedException", "User: "
                        + "arn:aws:iam::123456789012:user/lava-test is not authorized to perform: ssm:GetParameter");
            }
        },
        PARAMETER_KMS_DENIED("28000") {
            @Override
            void apply(Realm realm) {
                aws.failParameter(realm.parameter(), 400, "InvalidKeyId", "The KMS key is disabled");
            }
        },
        SECRET_DELETED("08001", false, true) {
            @Override
            void apply(Realm realm) {
                aws.failSecret(realm.secret(), 400, "ResourceNotFoundException",
                        "Secrets Manager can't find the specified secret.");
            }
        },
        SECRET_ACCESS_DENIED("28000", false, true) {
            @Override
            void apply(Realm realm) {
                aws.failSecret(realm.secret(), 400, "AccessDeniedException", "User: "
                        + "arn:aws:iam::123456789012:user/lava-test is not authorized to perform: "
                        + "secretsmanager:GetSecretValue");
            }
        },
        SECRET_KMS_DENIED("28000", false, true) {
            @Override
            void apply(Realm realm) {
                aws.failSecret(realm.secret(), 400, "DecryptionFailure", "Secrets Manager can't decrypt the "
                        + "protected secret text using the provided KMS key.");
            }
        },
        CA_BUNDLE_DELETED("08001") {
            @Override
            void apply(Realm realm) {
                aws.s3().deleteObject(BUCKET, realm.name() + "/" + CA_KEY);
            }
        },
        CA_BUNDLE_DENIED("28000") {
            @Override
            void apply(Realm realm) {
                aws.s3().denyObject(BUCKET, realm.name() + "/" + CA_KEY);
            }
        };

        final String sqlState;
        final boolean file;
        final boolean secret;

        Answer(String sqlState) {
            this(sqlState, false, false);
        }

        Answer(String sqlState, boolean file) {
            this(sqlState, file, false);
        }

        Answer(String sqlState, boolean file, boolean secret) {
            this.sqlState = sqlState;
            this.file = file;
            this.secret = secret;
        }

        abstract void apply(Realm realm) throws Exception;

        boolean caBundle() {
            return name().startsWith("CA_BUNDLE");
        }

        /** @return the record as the connection starts with it */
        Map<String, Object> initial(Realm realm) throws Exception {
            Map<String, Object> r = record(realm);
            if (secret) {
                r.remove("password");
                r.remove("user");
                r.put("secret_id", realm.secret());
            }
            if (caBundle()) {
                r.put("ssl_mode", "verify-full");
                r.put("ssl_ca_file", S3StandIn.uri(BUCKET, realm.name() + "/" + CA_KEY));
            }
            return r;
        }
    }

    private static Map<String, Object> record(Realm realm) {
        return LavaRealm.postgresRecord("db", pg, "revoke_db", "revoke_user", realm.parameter());
    }

    private static void put(Realm realm, Map<String, Object> record) throws Exception {
        if (realm.file() == null) {
            aws.putRecord(realm.table(), record);
            return;
        }
        StringBuilder json = new StringBuilder("{\"db\": {");
        String separator = "";
        for (Map.Entry<String, Object> field : record.entrySet()) {
            Object v = field.getValue();
            json.append(separator).append('"').append(field.getKey()).append("\": ")
                    .append(v instanceof String text ? "\"" + text + "\"" : String.valueOf(v));
            separator = ", ";
        }
        Files.writeString(realm.file(), json.append("}}").toString());
    }

    /** A fresh realm holding record {@code db} for the answer's case, its password, secret and CA bundle. */
    private static Realm realm(Answer answer) throws Exception {
        String name = "revoke" + REALMS.incrementAndGet();
        Realm realm = new Realm(name, answer.file ? dir.resolve(name + ".json") : null);
        if (!answer.file) {
            aws.createConnectionsTable(name);
        }
        aws.putParameter(realm.parameter(), PASSWORD);
        aws.putSecret(realm.secret(), "{\"username\":\"revoke_user\",\"password\":\"" + PASSWORD + "\"}");
        aws.s3().putObject(BUCKET, name + "/" + CA_KEY, Files.readAllBytes(pg.caCertificate()));
        put(realm, answer.initial(realm));
        return realm;
    }

    private static Properties properties(Realm realm) {
        Properties p = LavaRealm.awsProperties(aws);
        long ttl = TTL.toSeconds();
        p.setProperty("recordTtl", String.valueOf(ttl));
        p.setProperty("parameterTtl", String.valueOf(ttl));
        p.setProperty("secretTtl", String.valueOf(ttl));
        p.setProperty("maxStale", "3600");
        if (realm.file() != null) {
            p.setProperty("connectionsFile", realm.file().toString());
        }
        return p;
    }

    private static String currentUser(TestEngine engine, Realm realm) throws SQLException {
        try (Connection c = engine.connect("jdbc:lava-pg:" + realm.name() + "/db", properties(realm));
             Statement s = c.createStatement(); var rs = s.executeQuery("select current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Answer.class)
    void anAnswerTakesEffectOnceTheTtlHasPassed(Answer answer) throws Exception {
        Realm realm = realm(answer);
        try (TestEngine engine = new TestEngine()) {
            assertThat(currentUser(engine, realm)).isEqualTo("revoke_user");
            answer.apply(realm);

            engine.advance(TTL.dividedBy(2));
            assertThat(currentUser(engine, realm)).as("within its TTL the cached value serves").isEqualTo(
                    "revoke_user");

            engine.advance(TTL);
            long dropped = engine.metrics().getValuesDroppedOnAnswer();
            assertThatThrownBy(() -> currentUser(engine, realm))
                    .as("past its TTL the answer stands, though maxStale is an hour")
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                            .as(e.getMessage()).isEqualTo(answer.sqlState))
                    .hasMessageContaining("conn_id 'db'").hasMessageNotContaining(PASSWORD);
            assertThat(engine.metrics().getValuesDroppedOnAnswer()).isEqualTo(dropped + 1);
            assertThat(engine.metrics().getStaleValuesServed()).isZero();

            // and it stays refused: nothing of the old value is left to serve
            engine.advance(Duration.ofSeconds(1));
            assertThatThrownBy(() -> currentUser(engine, realm)).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void anOutageOfTheSameSourceKeepsServingTheCachedValue() throws Exception {
        Realm realm = realm(Answer.RECORD_DISABLED);
        try (TestEngine engine = new TestEngine()) {
            assertThat(currentUser(engine, realm)).isEqualTo("revoke_user");
            try (AutoCloseable outage = aws.fault("DynamoDB_20120810.GetItem", aResponse().withStatus(500)
                    .withHeader("Content-Type", "application/x-amz-json-1.0")
                    .withBody("{\"__type\":\"InternalServerError\",\"message\":\"boom\"}"))) {
                engine.advance(TTL.multipliedBy(2));
                assertThat(currentUser(engine, realm)).isEqualTo("revoke_user");
                assertThat(engine.metrics().getStaleValuesServed()).isPositive();
                assertThat(engine.metrics().getValuesDroppedOnAnswer()).isZero();
            }
        }
    }

    @Test
    void aRecordEnabledAgainConnectsAgain() throws Exception {
        Realm realm = realm(Answer.RECORD_DISABLED);
        try (TestEngine engine = new TestEngine()) {
            assertThat(currentUser(engine, realm)).isEqualTo("revoke_user");
            Answer.RECORD_DISABLED.apply(realm);
            engine.advance(TTL.multipliedBy(2));
            assertThatThrownBy(() -> currentUser(engine, realm)).isInstanceOf(SQLException.class);
            put(realm, Answer.RECORD_DISABLED.initial(realm));
            assertThat(currentUser(engine, realm)).isEqualTo("revoke_user");
        }
    }
}
