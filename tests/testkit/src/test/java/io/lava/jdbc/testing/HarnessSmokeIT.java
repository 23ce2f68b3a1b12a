package io.lava.jdbc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.SsmException;

/**
 * The test harness itself: a real PostgreSQL, and the local AWS endpoint (DynamoDB, SSM and Secrets Manager on one
 * WireMock server). {@link DynamoDbStandInTest} covers the DynamoDB stand-in in detail.
 */
@ExtendWith({PostgresExtension.class, AwsExtension.class})
class HarnessSmokeIT {

    @Test
    void postgresAcceptsScramLoginOfANewRole(LocalPostgres pg) throws Exception {
        pg.createRole("smoke_user", "first-password");
        pg.createRole("smoke_user", "smoke 'quoted' pässword"); // exists: the password is replaced
        pg.createDatabase("smoke_db", "smoke_user");
        pg.createDatabase("smoke_db", "smoke_user"); // idempotent
        pg.execute("smoke_db", "create table t (id int)");

        Properties login = new Properties();
        login.setProperty("user", "smoke_user");
        login.setProperty("password", "smoke 'quoted' pässword");
        try (Connection connection = new org.postgresql.Driver().connect(pg.jdbcUrl("smoke_db"), login);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select version(), current_user, current_database()")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).contains("PostgreSQL");
            assertThat(rows.getString(2)).isEqualTo("smoke_user");
            assertThat(rows.getString(3)).isEqualTo("smoke_db");
        }
        try (Connection admin = pg.adminConnection();
                Statement statement = admin.createStatement();
                ResultSet rows = statement.executeQuery(
                        "select rolpassword like 'SCRAM-SHA-256$%' from pg_authid where rolname = 'smoke_user'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getBoolean(1)).as("password stored as a SCRAM verifier").isTrue();
        }
    }

    @Test
    void dynamoDbGetItemIsAnsweredAndCounted(LocalAws aws) {
        String table = aws.createConnectionsTable("smoke");
        aws.createConnectionsTable("smoke"); // idempotent
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("conn_id", "orders-db");
        record.put("type", "postgres");
        record.put("port", 5432);
        record.put("ssl", true);
        record.put("blob", new byte[] {1, 2, 3});
        record.put("unset", null);
        aws.putRecord(table, record);
        aws.resetCalls();

        try (DynamoDbClient dynamoDb = DynamoDbClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(aws.credentialsProvider())
                .region(aws.region())
                .endpointOverride(URI.create(aws.endpoint()))
                .build()) {
            GetItemResponse response = dynamoDb.getItem(request -> request.tableName(table)
                    .key(Map.of("conn_id", AttributeValue.fromS("orders-db"))).consistentRead(true));
            assertThat(response.item()).containsEntry("type", AttributeValue.fromS("postgres"))
                    .containsEntry("port", AttributeValue.fromN("5432"))
                    .containsEntry("ssl", AttributeValue.fromBool(true))
                    .doesNotContainKey("unset");
            assertThat(response.item().get("blob").b().asByteArray()).containsExactly(1, 2, 3);
            assertThat(aws.calls("DynamoDB_20120810.GetItem")).isEqualTo(1);
            assertThat(aws.consistentReads(table)).containsExactly(true);

            aws.deleteRecord(table, "orders-db");
            assertThat(dynamoDb.getItem(request -> request.tableName(table)
                    .key(Map.of("conn_id", AttributeValue.fromS("orders-db")))).hasItem()).isFalse();
            assertThat(aws.calls("DynamoDB_20120810.GetItem")).isEqualTo(2);
            assertThat(aws.consistentReads(table)).containsExactly(true, false);

            assertThatThrownBy(() -> dynamoDb.getItem(request -> request.tableName("lava.smoke-missing.connections")
                    .key(Map.of("conn_id", AttributeValue.fromS("orders-db")))))
                    .isInstanceOf(software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException.class);
        }
    }

    @Test
    void ssmParametersNeedDecryption(LocalAws aws) {
        aws.putParameter("/lava/smoke/password", "old-smoke-Pa55");
        aws.putParameter("/lava/smoke/password", "s3cr3t-smoke-Pa55"); // replaces
        aws.failParameter("/lava/smoke/denied", 400, "AccessDeniedException", "not allowed");
        aws.resetCalls();

        try (SsmClient ssm = SsmClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(aws.credentialsProvider())
                .region(aws.region())
                .endpointOverride(URI.create(aws.endpoint()))
                .build()) {
            assertThat(ssm.getParameter(r -> r.name("/lava/smoke/password").withDecryption(true)).parameter().value())
                    .isEqualTo("s3cr3t-smoke-Pa55");
            assertThatThrownBy(() -> ssm.getParameter(r -> r.name("/lava/smoke/password")))
                    .isInstanceOfSatisfying(SsmException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                        assertThat(e.statusCode()).isEqualTo(400);
                    });
            assertThatThrownBy(() -> ssm.getParameter(r -> r.name("/lava/smoke/missing").withDecryption(true)))
                    .isInstanceOf(ParameterNotFoundException.class);
            assertThatThrownBy(() -> ssm.getParameter(r -> r.name("/lava/smoke/denied").withDecryption(true)))
                    .isInstanceOfSatisfying(SsmException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"));
        }
        assertThat(aws.calls("AmazonSSM.GetParameter")).isEqualTo(4);
    }

    @Test
    void secretsManagerServesStringAndBinarySecrets(LocalAws aws) {
        aws.putSecret("lava/smoke/db", "{\"password\":\"smoke-pw-Pa55\"}");
        aws.putBinarySecret("lava/smoke/bin", "bytes".getBytes(StandardCharsets.UTF_8));
        aws.failSecret("lava/smoke/denied", 400, "AccessDeniedException", "not allowed");
        aws.resetCalls();

        try (SecretsManagerClient secrets = SecretsManagerClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(aws.credentialsProvider())
                .region(aws.region())
                .endpointOverride(URI.create(aws.endpoint()))
                .build()) {
            assertThat(secrets.getSecretValue(r -> r.secretId("lava/smoke/db")).secretString())
                    .isEqualTo("{\"password\":\"smoke-pw-Pa55\"}");
            assertThat(secrets.getSecretValue(r -> r.secretId("lava/smoke/bin")).secretBinary().asUtf8String())
                    .isEqualTo("bytes");
            assertThatThrownBy(() -> secrets.getSecretValue(r -> r.secretId("lava/smoke/missing")))
                    .isInstanceOf(ResourceNotFoundException.class);
            assertThatThrownBy(() -> secrets.getSecretValue(r -> r.secretId("lava/smoke/denied")))
                    .isInstanceOfSatisfying(SecretsManagerException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"));
        }
        assertThat(aws.calls("secretsmanager.GetSecretValue")).isEqualTo(4);
    }
}
