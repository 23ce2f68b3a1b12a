package io.lava.jdbc.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthSchemeOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * The local DynamoDB of {@link LocalAws}, driven by the real AWS SDK client over HTTP: attribute types, DynamoDB's
 * errors, signature checks, regions, {@code ConsistentRead} and the {@code x-amz-crc32} the SDK verifies.
 */
class DynamoDbStandInTest {
    private static final String GET_ITEM = "DynamoDB_20120810.GetItem";

    private static LocalAws aws;
    private static DynamoDbClient dynamoDb;
    private static String table;

    @BeforeAll
    static void start() {
        aws = LocalAws.start();
        dynamoDb = client(Region.US_EAST_1).build();
        table = aws.createConnectionsTable("standin");
    }

    @AfterAll
    static void stop() {
        dynamoDb.close();
        aws.close();
    }

    private static DynamoDbClientBuilder client(Region region) {
        return DynamoDbClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(aws.credentialsProvider())
                .region(region)
                .endpointOverride(URI.create(aws.endpoint()))
                .overrideConfiguration(c -> c.retryStrategy(s -> s.maxAttempts(1)));
    }

    private static GetItemResponse get(DynamoDbClient client, String tableName, String connId) {
        return client.getItem(r -> r.tableName(tableName).key(Map.of(LocalAws.CONN_ID, AttributeValue.fromS(connId))));
    }

    private static void assertError(Runnable call, Class<? extends DynamoDbException> type, String code,
                                    String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(type, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            if (message != null) {
                assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
            }
            assertThat(e.requestId()).matches("[A-Z0-9]{52}");
        });
    }

    @Test
    void everyAttributeTypeRoundTrips() {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put(LocalAws.CONN_ID, "types");
        record.put("s", "text with \"quotes\", ünïcode and \n");
        record.put("empty", "");
        record.put("n", new BigDecimal("5432.00"));
        record.put("int", 7);
        record.put("neg", -0.5);
        record.put("bool", false);
        record.put("nul", AttributeValue.fromNul(true));
        record.put("b", new byte[] {0, 1, 2, (byte) 0xff});
        record.put("m", Map.of("inner", "x", "deep", Map.of("n", 1)));
        record.put("l", java.util.Arrays.asList("a", 2, true, null));
        record.put("ss", AttributeValue.fromSs(List.of("a", "b")));
        record.put("ns", AttributeValue.fromNs(List.of("1", "2.50")));
        record.put("bs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("x"), SdkBytes.fromUtf8String("y"))));
        record.put("left-out", null);
        aws.putRecord(table, record);

        Map<String, AttributeValue> item = get(dynamoDb, table, "types").item();

        assertThat(item).containsOnlyKeys(LocalAws.CONN_ID, "s", "empty", "n", "int", "neg", "bool", "nul", "b", "m",
                "l", "ss", "ns", "bs");
        assertThat(item.get(LocalAws.CONN_ID)).isEqualTo(AttributeValue.fromS("types"));
        assertThat(item.get("s")).isEqualTo(AttributeValue.fromS("text with \"quotes\", ünïcode and \n"));
        assertThat(item.get("empty")).isEqualTo(AttributeValue.fromS(""));
        assertThat(item.get("n")).isEqualTo(AttributeValue.fromN("5432")); // DynamoDB trims trailing zeros
        assertThat(item.get("int")).isEqualTo(AttributeValue.fromN("7"));
        assertThat(item.get("neg")).isEqualTo(AttributeValue.fromN("-0.5"));
        assertThat(item.get("bool")).isEqualTo(AttributeValue.fromBool(false));
        assertThat(item.get("nul")).isEqualTo(AttributeValue.fromNul(true));
        assertThat(item.get("b").b().asByteArray()).containsExactly(0, 1, 2, 0xff);
        assertThat(item.get("m").m()).containsOnlyKeys("inner", "deep");
        assertThat(item.get("m").m().get("inner")).isEqualTo(AttributeValue.fromS("x"));
        assertThat(item.get("m").m().get("deep"))
                .isEqualTo(AttributeValue.fromM(Map.of("n", AttributeValue.fromN("1"))));
        assertThat(item.get("l").l()).containsExactly(AttributeValue.fromS("a"), AttributeValue.fromN("2"),
                AttributeValue.fromBool(true), AttributeValue.fromNul(true));
        assertThat(item.get("ss").ss()).containsExactly("a", "b");
        assertThat(item.get("ns").ns()).containsExactly("1", "2.5");
        assertThat(item.get("bs").bs()).containsExactly(SdkBytes.fromUtf8String("x"), SdkBytes.fromUtf8String("y"));
    }

    @Test
    void absentItemIsAnEmptyAnswerAndDeletedItemsAreGone() {
        assertThat(get(dynamoDb, table, "nobody").hasItem()).isFalse();
        aws.putRecord(table, Map.of(LocalAws.CONN_ID, "short-lived", "type", "postgres"));
        assertThat(get(dynamoDb, table, "short-lived").item()).containsEntry("type", AttributeValue.fromS("postgres"));
        aws.deleteRecord(table, "short-lived");
        assertThat(get(dynamoDb, table, "short-lived").hasItem()).isFalse();
    }

    @Test
    void responsesCarryContentTypeRequestIdAndTheBodysCrc32() throws IOException {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put(LocalAws.CONN_ID, "raw");
        record.put("type", "postgres");
        aws.putRecord(table, record);
        // the SDK checks x-amz-crc32 itself; read one response raw too, to see the headers and the checksum
        HttpURLConnection http = (HttpURLConnection) URI.create(aws.endpoint()).toURL().openConnection();
        http.setRequestMethod("POST");
        http.setDoOutput(true);
        http.setRequestProperty("X-Amz-Target", GET_ITEM);
        http.setRequestProperty("Content-Type", "application/x-amz-json-1.0");
        http.setRequestProperty("X-Amz-Date", "20250101T000000Z");
        http.setRequestProperty("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDRAW/20250101/us-east-1/dynamodb/"
                + "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0".repeat(64));
        http.getOutputStream().write(("{\"TableName\":\"" + table + "\",\"Key\":{\"conn_id\":{\"S\":\"raw\"}}}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(http.getResponseCode()).isEqualTo(200);
        byte[] body;
        try (InputStream in = http.getInputStream()) {
            body = in.readAllBytes();
        }
        CRC32 crc = new CRC32();
        crc.update(body);
        assertThat(http.getHeaderField("Content-Type")).isEqualTo("application/x-amz-json-1.0");
        assertThat(http.getHeaderField("x-amzn-RequestId")).matches("[A-Z0-9]{52}");
        assertThat(http.getHeaderField("x-amz-crc32")).isEqualTo(Long.toString(crc.getValue()));
        assertThat(new String(body, StandardCharsets.UTF_8))
                .isEqualTo("{\"Item\":{\"conn_id\":{\"S\":\"raw\"},\"type\":{\"S\":\"postgres\"}}}");
    }

    @Test
    void theSdkRejectsAWrongCrc32() throws Exception {
        AutoCloseable wrongCrc = aws.fault(GET_ITEM, "\"crc-check\"", aResponse().withStatus(200)
                .withHeader("Content-Type", "application/x-amz-json-1.0")
                .withHeader("x-amz-crc32", "12345")
                .withBody("{}"));
        try {
            assertThatThrownBy(() -> dynamoDb.getItem(r -> r.tableName(table)
                    .key(Map.of(LocalAws.CONN_ID, AttributeValue.fromS("crc-check")))))
                    .isInstanceOf(SdkClientException.class)
                    .hasMessageContaining("checksum");
        } finally {
            wrongCrc.close();
        }
    }

    @Test
    void unknownTableIsResourceNotFound() {
        assertError(() -> get(dynamoDb, "lava.nosuchrealm.connections", "w"), ResourceNotFoundException.class,
                "ResourceNotFoundException", "Requested resource not found");
    }

    @Test
    void aKeyThatDoesNotMatchTheSchemaIsAValidationException() {
        String mismatch = "The provided key element does not match the schema";
        assertError(() -> dynamoDb.getItem(r -> r.tableName(table).key(Map.of("id", AttributeValue.fromS("w")))),
                DynamoDbException.class, "ValidationException", mismatch);
        assertError(() -> dynamoDb.getItem(r -> r.tableName(table)
                        .key(Map.of(LocalAws.CONN_ID, AttributeValue.fromN("1")))),
                DynamoDbException.class, "ValidationException", mismatch);
        assertError(() -> dynamoDb.getItem(r -> r.tableName(table).key(Map.of(LocalAws.CONN_ID,
                        AttributeValue.fromS("w"), "sort", AttributeValue.fromS("x")))),
                DynamoDbException.class, "ValidationException", mismatch);
        assertError(() -> dynamoDb.getItem(r -> r.tableName(table).key(Map.of(LocalAws.CONN_ID,
                        AttributeValue.fromS("")))),
                DynamoDbException.class, "ValidationException", null);
        assertError(() -> dynamoDb.getItem(r -> r.tableName("x!").key(Map.of(LocalAws.CONN_ID,
                        AttributeValue.fromS("w")))),
                DynamoDbException.class, "ValidationException", "2 validation errors detected: Value 'x!' at "
                        + "'tableName' failed to satisfy constraint: Member must have length greater than or equal "
                        + "to 3; Value 'x!' at 'tableName' failed to satisfy constraint: Member must satisfy regular "
                        + "expression pattern: [a-zA-Z0-9_.-]+");
    }

    @Test
    void anUnsignedRequestIsMissingItsAuthenticationToken() {
        try (DynamoDbClient anonymous = client(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create()).build()) {
            aws.resetCalls();
            assertError(() -> get(anonymous, table, "w"), DynamoDbException.class,
                    "MissingAuthenticationTokenException", "Request is missing Authentication Token");
            assertThat(aws.calls(GET_ITEM)).isEqualTo(1);
        }
    }

    @Test
    void aSignatureForAnotherServiceIsInvalid() {
        try (DynamoDbClient signedForSsm = client(Region.US_EAST_1)
                .authSchemeProvider(params -> List.of(AuthSchemeOption.builder()
                        .schemeId(AwsV4AuthScheme.SCHEME_ID)
                        .putSignerProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ssm")
                        .putSignerProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .build()))
                .build()) {
            aws.resetCalls();
            assertError(() -> get(signedForSsm, table, "w"), DynamoDbException.class, "InvalidSignatureException",
                    "Credential should be scoped to correct service: 'dynamodb'. ");
            assertThat(aws.callsSignedBy(GET_ITEM, "AKIDLAVATEST")).isEqualTo(1);
        }
    }

    @Test
    void tablesLiveInTheRegionsTheyWereCreatedOrReplicatedIn() {
        String regional = aws.createConnectionsTable("standin-regions");
        aws.putRecord(regional, Map.of(LocalAws.CONN_ID, "w", "type", "postgres"));
        try (DynamoDbClient euWest1 = client(Region.EU_WEST_1).build()) {
            assertError(() -> get(euWest1, regional, "w"), ResourceNotFoundException.class,
                    "ResourceNotFoundException", "Requested resource not found");
            aws.replicateTable(regional, Region.EU_WEST_1);
            assertThat(get(euWest1, regional, "w").item()).containsEntry("type", AttributeValue.fromS("postgres"));
        }
        assertThat(get(dynamoDb, regional, "w").item()).containsEntry("type", AttributeValue.fromS("postgres"));
    }

    @Test
    void consistentReadIsRecordedPerTable() {
        String reads = aws.createConnectionsTable("standin-reads");
        aws.putRecord(reads, Map.of(LocalAws.CONN_ID, "w"));
        assertThat(aws.consistentReads(reads)).isEmpty();
        get(dynamoDb, reads, "w");
        dynamoDb.getItem(r -> r.tableName(reads).key(Map.of(LocalAws.CONN_ID, AttributeValue.fromS("w")))
                .consistentRead(true));
        dynamoDb.getItem(r -> r.tableName(reads).key(Map.of(LocalAws.CONN_ID, AttributeValue.fromS("absent")))
                .consistentRead(false));
        assertThat(aws.consistentReads(reads)).containsExactly(false, true, false);
        assertThat(aws.calls(GET_ITEM, "\"" + reads + "\"")).isEqualTo(3);
        aws.resetCalls();
        assertThat(aws.consistentReads(reads)).isEmpty();
    }

    @Test
    void projectionAndConsumedCapacity() {
        aws.putRecord(table, Map.of(LocalAws.CONN_ID, "projected", "type", "postgres", "host", "h", "port", 5432));
        GetItemResponse response = dynamoDb.getItem(r -> r.tableName(table)
                .key(Map.of(LocalAws.CONN_ID, AttributeValue.fromS("projected")))
                .projectionExpression("#t, port")
                .expressionAttributeNames(Map.of("#t", "type"))
                .consistentRead(true)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertThat(response.item()).containsOnlyKeys("type", "port");
        assertThat(response.consumedCapacity().tableName()).isEqualTo(table);
        assertThat(response.consumedCapacity().capacityUnits()).isEqualTo(1.0);
    }

    @Test
    void otherOperationsAreUnknown() {
        assertError(() -> dynamoDb.putItem(r -> r.tableName(table)
                        .item(Map.of(LocalAws.CONN_ID, AttributeValue.fromS("w")))),
                DynamoDbException.class, "UnknownOperationException", null);
        assertError(() -> dynamoDb.listTables(), DynamoDbException.class, "UnknownOperationException", null);
    }

    @Test
    void faultsWinOverTheStandIn() throws Exception {
        aws.putRecord(table, Map.of(LocalAws.CONN_ID, "faulty"));
        AutoCloseable throttled = aws.fault(GET_ITEM, "\"faulty\"", aResponse().withStatus(400)
                .withHeader("Content-Type", "application/x-amz-json-1.0")
                .withBody("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
                        + "\"message\":\"slow down\"}"));
        try {
            assertThatThrownBy(() -> get(dynamoDb, table, "faulty")).isInstanceOfSatisfying(DynamoDbException.class,
                    e -> assertThat(e.awsErrorDetails().errorCode())
                            .isEqualTo("ProvisionedThroughputExceededException"));
        } finally {
            throttled.close();
        }
        assertThat(get(dynamoDb, table, "faulty").hasItem()).isTrue();
    }

    @Test
    void putRecordRefusesWhatPutItemWould() {
        assertThatThrownBy(() -> aws.putRecord(table, Map.of("type", "postgres")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Missing the key conn_id");
        assertThatThrownBy(() -> aws.putRecord(table, Map.of(LocalAws.CONN_ID, 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: S actual: N");
        assertThatThrownBy(() -> aws.putRecord(table, Map.of(LocalAws.CONN_ID, "w", "n", Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numeric value");
        assertThatThrownBy(() -> aws.putRecord(table, Map.of(LocalAws.CONN_ID, "w",
                        "ss", AttributeValue.fromSs(List.of("a", "a")))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicates");
        assertThatThrownBy(() -> aws.putRecord("lava.never-created.connections", Map.of(LocalAws.CONN_ID, "w")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
    }

    @Test
    void concurrentReadersAndWriters() throws Exception {
        String busy = aws.createConnectionsTable("standin-busy");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        String connId = "c" + thread + "-" + i;
                        aws.putRecord(busy, Map.of(LocalAws.CONN_ID, connId, "i", i));
                        assertThat(get(dynamoDb, busy, connId).item()).containsEntry("i",
                                AttributeValue.fromN(Integer.toString(i)));
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(aws.consistentReads(busy)).hasSize(200);
    }
}
