package io.lava.jdbc.examples.benchmarks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The benchmark's world on the throwaway servers: one database, four roles that may log in only over TLS, two that
 * the server trusts over TLS without a password check (the cold-start IAM variants, {@link #server()}), the lava
 * records of realm {@value BenchEnv#REALM} (SSM password, Secrets Manager secret, two RDS IAM records; all with
 * {@code ssl_mode: verify-full} and the test CA), the SSM SecureString and the secret, and the {@link BenchEnv} file
 * the JMH forks read. Passwords are random for each run and never printed.
 */
final class Fixture implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SSM_PARAMETER = "/lava/bench/ssm-password";
    /** The cold-start IAM roles: plain roles (not in {@code tls_only}), trusted over TLS, refused without it. */
    private static final List<String> TRUSTED_ROLES = List.of(BenchEnv.ROLE_IAM_COLD, BenchEnv.ROLE_IAM_WRAPPER_COLD);

    private final LocalPostgres pg;
    private final LocalAws aws;
    private final BenchEnv env;
    private final Path file;
    private int storms;

    private Fixture(LocalPostgres pg, LocalAws aws, BenchEnv env, Path file) {
        this.pg = pg;
        this.aws = aws;
        this.env = env;
        this.file = file;
    }

    /**
     * The server the fixture needs: {@code max_connections} 200 (the storm) and, for the cold-start IAM roles,
     * {@code hostssl all <role> all trust} and {@code host all <role> all reject}. Those roles are not members of
     * {@code tls_only}, whose {@code scram-sha-256} line comes first, so these lines decide for them: a fresh RDS IAM
     * token (which this server cannot verify) is let in over TLS, and nothing is let in without TLS.
     *
     * @return a builder; start it and pass the server to {@link #create}
     */
    static LocalPostgres.Builder server() {
        LocalPostgres.Builder builder = LocalPostgres.builder().config("max_connections", "200");
        for (String role : TRUSTED_ROLES) {
            builder.hba("hostssl all " + role + " all trust").hba("host all " + role + " all reject");
        }
        return builder;
    }

    /**
     * Creates roles, database, records, parameter and secret, and writes the fixture file into {@code directory}.
     *
     * @param pg the server (TLS on)
     * @param aws the local AWS endpoints
     * @param directory where the fixture file and the forks' notes go
     * @return the fixture; close it to delete the file
     * @throws SQLException if a role or the database cannot be made
     * @throws IOException if the file cannot be written
     */
    static Fixture create(LocalPostgres pg, LocalAws aws, Path directory) throws SQLException, IOException {
        Properties values = new Properties();
        values.setProperty(BenchEnv.PG_HOST, pg.host());
        values.setProperty(BenchEnv.PG_PORT, String.valueOf(pg.port()));
        values.setProperty(BenchEnv.PG_ADMIN_USER, pg.adminUser());
        values.setProperty(BenchEnv.PG_ADMIN_PASSWORD, pg.adminPassword());
        values.setProperty(BenchEnv.PG_CA, pg.caCertificate().toString());
        values.setProperty(BenchEnv.AWS_ENDPOINT, aws.endpoint());
        for (String role : new String[] {BenchEnv.ROLE_SSM, BenchEnv.ROLE_SECRET, BenchEnv.ROLE_IAM_LAVA,
                BenchEnv.ROLE_IAM_WRAPPER}) {
            String password = randomPassword();
            pg.createTlsOnlyRole(role, password);
            values.setProperty(BenchEnv.PASSWORD_PREFIX + role, password);
        }
        for (String role : TRUSTED_ROLES) {
            pg.createRole(role, randomPassword()); // never checked: pg_hba.conf trusts it over TLS
        }
        pg.createDatabase(BenchEnv.DATABASE, BenchEnv.ROLE_SSM);

        Files.createDirectories(directory);
        Path file = directory.resolve("fixture.properties");
        BenchEnv env = new BenchEnv(values, directory);
        env.write(file);
        env.applySystemProperties();
        Fixture fixture = new Fixture(pg, aws, env, file);
        fixture.putRecords();
        return fixture;
    }

    private void putRecords() {
        String table = aws.createConnectionsTable(BenchEnv.REALM);
        aws.putParameter(SSM_PARAMETER, env.password(BenchEnv.ROLE_SSM));
        Map<String, Object> warm = serverRecord(BenchEnv.WARM, "postgres");
        warm.put("user", BenchEnv.ROLE_SSM);
        warm.put("password", SSM_PARAMETER);
        aws.putRecord(table, warm);

        aws.putSecret(BenchEnv.SECRET_ID, "{\"username\": " + quote(BenchEnv.ROLE_SECRET) + ", \"password\": "
                + quote(env.password(BenchEnv.ROLE_SECRET)) + ", \"host\": " + quote(pg.host()) + ", \"port\": "
                + pg.port() + ", \"dbname\": " + quote(BenchEnv.DATABASE) + "}");
        describeSecretStub();
        Map<String, Object> secret = tlsRecord(BenchEnv.SECRET, "postgres");
        secret.put("secret_id", BenchEnv.SECRET_ID);
        aws.putRecord(table, secret);

        Map<String, Object> iam = serverRecord(BenchEnv.IAM, "postgres-aurora");
        iam.put("user", BenchEnv.ROLE_IAM_LAVA);
        aws.putRecord(table, iam);

        Map<String, Object> iamCold = serverRecord(BenchEnv.IAM_COLD, "postgres-aurora");
        iamCold.put("user", BenchEnv.ROLE_IAM_COLD);
        aws.putRecord(table, iamCold);
        // the same record in a local records file (lava's offline form): row 5h reads it without DynamoDB
        try {
            Files.writeString(env.recordsFile(), new ObjectMapper().writeValueAsString(
                    Map.of(BenchEnv.IAM_COLD, iamCold)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + env.recordsFile(), e);
        }
    }

    /**
     * The AWS Secrets Manager JDBC driver's cache (aws-secretsmanager-caching-java) calls {@code DescribeSecret} to
     * find the {@code AWSCURRENT} version, then {@code GetSecretValue} with that {@code VersionId}. The harness stubs only
     * {@code GetSecretValue} (which ignores the extra field), so this adds {@code DescribeSecret} for the benchmark's
     * secret through WireMock's admin API on the same endpoint.
     */
    private void describeSecretStub() {
        URI endpoint = URI.create(aws.endpoint());
        String body = "{\"ARN\": \"arn:aws:secretsmanager:" + BenchEnv.REGION + ":123456789012:secret:"
                + BenchEnv.SECRET_ID + "-AbCdEf\", \"Name\": " + quote(BenchEnv.SECRET_ID)
                + ", \"VersionIdsToStages\": {\"v1\": [\"AWSCURRENT\"]}}";
        new WireMock(endpoint.getHost(), endpoint.getPort()).register(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.DescribeSecret"))
                .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=[^/]+/\\d{8}/[a-z0-9-]+/"
                        + "secretsmanager/aws4_request, .*"))
                .withRequestBody(equalToJson("{\"SecretId\": " + quote(BenchEnv.SECRET_ID) + "}", false, true))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody(body)));
    }

    /**
     * Adds a record and an SSM parameter that no cache has seen: same server, role and password as
     * {@link BenchEnv#WARM}, new conn_id and parameter name.
     *
     * @return the new conn_id
     */
    String freshSsmRecord() {
        String connId = "storm-" + (++storms) + "-" + Long.toHexString(System.nanoTime());
        String parameter = "/lava/bench/" + connId;
        aws.putParameter(parameter, env.password(BenchEnv.ROLE_SSM));
        Map<String, Object> record = serverRecord(connId, "postgres");
        record.put("user", BenchEnv.ROLE_SSM);
        record.put("password", parameter);
        aws.putRecord(LocalAws.connectionsTable(BenchEnv.REALM), record);
        return connId;
    }

    BenchEnv env() {
        return env;
    }

    Path file() {
        return file;
    }

    LocalPostgres postgres() {
        return pg;
    }

    LocalAws aws() {
        return aws;
    }

    /** Deletes the fixture file (it holds the throwaway server's passwords). */
    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
    }

    private Map<String, Object> serverRecord(String connId, String type) {
        Map<String, Object> r = tlsRecord(connId, type);
        r.put("host", pg.host());
        r.put("port", new BigDecimal(pg.port()));
        r.put("database", BenchEnv.DATABASE);
        return r;
    }

    private Map<String, Object> tlsRecord(String connId, String type) {
        Map<String, Object> r = new HashMap<>();
        r.put("conn_id", connId);
        r.put("type", type);
        r.put("enabled", true);
        r.put("ssl_mode", "verify-full");
        r.put("ssl_ca_file", pg.caCertificate().toString());
        return r;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
