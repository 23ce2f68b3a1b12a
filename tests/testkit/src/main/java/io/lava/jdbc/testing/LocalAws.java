package io.lava.jdbc.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Local AWS endpoints over real HTTP, for tests and examples: DynamoDB, SSM Parameter Store, Secrets Manager and S3
 * {@code GetObject} ({@link #s3()}), all answered in this JVM by one WireMock server.
 *
 * <p>{@link #endpoint()} serves all three services. DynamoDB calls (header {@code X-Amz-Target: DynamoDB_20120810.*})
 * are answered by an in-memory stand-in ({@code GetItem} over the JSON 1.0 protocol, with typed attribute values,
 * DynamoDB's errors and {@code x-amz-crc32}); SSM {@code GetParameter} and Secrets Manager {@code GetSecretValue} are
 * answered from the values put here. Every request is journaled, so tests can count calls per operation
 * ({@link #calls}), and {@link #fault} answers ahead of all of them.
 *
 * <p>Every service checks the SigV4 {@code Authorization} header's form and service scope (not the signature itself:
 * any access key is accepted). The SSM stub answers only requests with {@code WithDecryption=true}; anything else
 * gets a {@code ValidationException}, so a client that forgets either fails loudly.
 *
 * <p>Regions: DynamoDB tables live in a region, as in AWS. The endpoint stands for every region's endpoint and takes
 * a request's region from its credential scope. {@link #createTable(String)} creates a table in {@link #region()}
 * ({@code us-east-1}, the region the tests sign for); {@link #replicateTable(String, Region)} adds a replica in another
 * region (a global table: the same items). A request signed for a region without the table gets
 * {@code ResourceNotFoundException}, as that region's DynamoDB would answer. The SSM and Secrets Manager stubs answer
 * in every region. This class does not depend on JUnit.
 */
public final class LocalAws implements AutoCloseable {

    /** Partition key of every table made here. */
    public static final String CONN_ID = "conn_id";

    private static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLAVATEST", "lava-test-secret-key"));

    private final DynamoDbStandIn dynamoDb;
    private final WireMockServer wireMock;
    private final S3StandIn s3;
    private final Map<String, UUID> stubs = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private final AwsFaults faults;

    private LocalAws(DynamoDbStandIn dynamoDb, WireMockServer wireMock, AwsFaults faults) {
        this.dynamoDb = dynamoDb;
        this.wireMock = wireMock;
        this.faults = faults;
        this.s3 = new S3StandIn(wireMock);
    }

    /**
     * Starts the WireMock endpoint, with the DynamoDB stand-in and the SSM and Secrets Manager stubs, on a free
     * loopback port.
     *
     * @return the running endpoint; close it to stop it
     * @throws IllegalStateException if the server fails to start
     */
    public static LocalAws start() {
        DynamoDbStandIn dynamoDb = new DynamoDbStandIn();
        AwsFaults faults = new AwsFaults();
        WireMockServer wireMock = new WireMockServer(wireMockConfig()
                .bindAddress(Net.LOOPBACK)
                .dynamicPort()
                .gzipDisabled(true)
                .usingFilesUnderClasspath("io/lava/jdbc/testing/no-wiremock-files")
                .extensions(dynamoDb, faults));
        try {
            wireMock.start();
            wireMock.stubFor(post(anyUrl())
                    .withHeader("X-Amz-Target",
                            matching(Pattern.quote(DynamoDbStandIn.TARGET_PREFIX) + ".+"))
                    .atPriority(AwsJsonStubs.SPECIFIC)
                    .willReturn(aResponse().withTransformers(DynamoDbStandIn.NAME)));
            AwsJsonStubs.parameterFallbacks().forEach(wireMock::stubFor);
            AwsJsonStubs.secretFallbacks().forEach(wireMock::stubFor);
            return new LocalAws(dynamoDb, wireMock, faults);
        } catch (RuntimeException e) {
            wireMock.stop();
            throw e;
        }
    }

    /**
     * The single endpoint for DynamoDB, SSM and Secrets Manager (the WireMock server).
     *
     * @return {@code http://127.0.0.1:<port>}
     */
    public String endpoint() {
        return "http://" + Net.LOOPBACK + ":" + wireMock.port();
    }

    /**
     * The region tables are created in and the tests sign for.
     *
     * @return {@code us-east-1}
     */
    public Region region() {
        return Region.US_EAST_1;
    }

    /**
     * Fixed dummy credentials (the same as the failsafe environment's) for SDK clients in tests.
     *
     * @return a static credentials provider
     */
    public AwsCredentialsProvider credentialsProvider() {
        return CREDENTIALS;
    }

    /** @return S3 {@code GetObject} on {@link #endpoint()}, path-style */
    public S3StandIn s3() {
        return s3;
    }

    // ---- DynamoDB -------------------------------------------------------------------------------

    /**
     * The connections table name of a realm.
     *
     * @param realm realm name
     * @return {@code lava.<realm>.connections}
     */
    public static String connectionsTable(String realm) {
        return "lava." + Objects.requireNonNull(realm, "realm") + ".connections";
    }

    /**
     * Creates a realm's connections table, {@link #connectionsTable(String)}, unless it exists.
     *
     * @param realm realm name
     * @return the table name
     */
    public String createConnectionsTable(String realm) {
        String table = connectionsTable(realm);
        createTable(table);
        return table;
    }

    /**
     * Creates a table with string hash key {@value #CONN_ID} in {@link #region()}, unless it exists. It is usable at
     * once (no {@code CREATING} state).
     *
     * @param name table name
     * @throws IllegalArgumentException for a name DynamoDB would refuse (3 to 255 of {@code [a-zA-Z0-9_.-]})
     */
    public void createTable(String name) {
        dynamoDb.createTable(name, region().id());
    }

    /**
     * Makes a table a global table with a replica in {@code region} (creating the table first if needed): requests
     * signed for that region then see it, with the same items as every other replica.
     *
     * @param name table name
     * @param region the replica's region
     */
    public void replicateTable(String name, Region region) {
        dynamoDb.createTable(name, region.id());
    }

    /**
     * Writes an item, replacing any item with the same key. Values map to DynamoDB types: String to
     * S, Number to N, Boolean to BOOL, byte[] to B, Map to M, List to L, AttributeValue as is; null
     * values are left out. The item is checked as {@code PutItem} would check it (numbers are stored in DynamoDB's
     * canonical form).
     *
     * @param table table name; the table must exist
     * @param item attribute names and values; must contain {@value #CONN_ID}, a non-empty string
     * @throws IllegalArgumentException for a value of another type, an item DynamoDB would refuse, or no such table
     */
    public void putRecord(String table, Map<String, Object> item) {
        dynamoDb.putItem(table, toItem(item));
    }

    /**
     * Deletes an item by key; no error if it does not exist.
     *
     * @param table table name; the table must exist
     * @param connId the item's {@value #CONN_ID}
     */
    public void deleteRecord(String table, String connId) {
        dynamoDb.deleteItem(table, connId);
    }

    /**
     * The {@code ConsistentRead} of every {@code GetItem} the stand-in answered for a table (in any region) since start
     * or {@link #resetCalls()}, in arrival order; {@code false} where the request left it out (DynamoDB's default,
     * eventually consistent). Requests answered by a {@link #fault} are not included.
     *
     * @param table table name
     * @return an immutable list; empty for an unknown table
     */
    public List<Boolean> consistentReads(String table) {
        return dynamoDb.consistentReads(table);
    }

    private static Map<String, AttributeValue> toItem(Map<String, Object> item) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        item.forEach((name, value) -> {
            if (value != null) {
                attributes.put(name, toAttribute(name, value));
            }
        });
        return attributes;
    }

    private static AttributeValue toAttribute(String name, Object value) {
        if (value instanceof AttributeValue) {
            return (AttributeValue) value;
        } else if (value instanceof String) {
            return AttributeValue.fromS((String) value);
        } else if (value instanceof BigDecimal) {
            return AttributeValue.fromN(((BigDecimal) value).toPlainString());
        } else if (value instanceof Number) {
            return AttributeValue.fromN(value.toString());
        } else if (value instanceof Boolean) {
            return AttributeValue.fromBool((Boolean) value);
        } else if (value instanceof byte[]) {
            return AttributeValue.fromB(SdkBytes.fromByteArray((byte[]) value));
        } else if (value instanceof Map) {
            Map<String, Object> map = new LinkedHashMap<>();
            ((Map<?, ?>) value).forEach((key, inner) -> map.put(String.valueOf(key), inner));
            return AttributeValue.fromM(toItem(map));
        } else if (value instanceof List) {
            List<AttributeValue> list = new ArrayList<>();
            for (Object inner : (List<?>) value) {
                list.add(inner == null ? AttributeValue.fromNul(true) : toAttribute(name, inner));
            }
            return AttributeValue.fromL(list);
        }
        throw new IllegalArgumentException("attribute " + name + ": unsupported type " + value.getClass().getName());
    }

    // ---- SSM and Secrets Manager ----------------------------------------------------------------

    /**
     * Serves a SecureString parameter to signed {@code GetParameter} calls with
     * {@code WithDecryption=true}; replaces any earlier value or error for the name.
     *
     * {@code value} is registered in {@link TestSecrets}.
     *
     * @param name parameter name, e.g. {@code /lava/dev/db-password}
     * @param value decrypted value
     */
    public void putParameter(String name, String value) {
        TestSecrets.register(Objects.requireNonNull(value, "value"));
        replaceStub("ssm:" + name, AwsJsonStubs.parameter(name, value));
    }

    /**
     * Makes {@code GetParameter} of one name fail with an AWS error; replaces any value for the name.
     *
     * @param name parameter name
     * @param status HTTP status, e.g. 400
     * @param type error code sent as {@code __type}, e.g. {@code AccessDeniedException}
     * @param message error message
     */
    public void failParameter(String name, int status, String type, String message) {
        replaceStub("ssm:" + name, AwsJsonStubs.parameterError(name, status, type, message));
    }

    /**
     * Serves a string secret to signed {@code GetSecretValue} calls; replaces any earlier value or
     * error for the id. The whole string, and its {@code password} when it is a JSON object that has
     * one, are registered in {@link TestSecrets}.
     *
     * @param id the {@code SecretId} clients send (name or ARN)
     * @param secretString the secret
     */
    public void putSecret(String id, String secretString) {
        TestSecrets.register(Objects.requireNonNull(secretString, "secretString"));
        try {
            JsonNode json = JsonNode.parser().parse(secretString);
            if (json.isObject() && json.field("password").filter(JsonNode::isString).isPresent()) {
                TestSecrets.register(json.field("password").get().asString());
            }
        } catch (RuntimeException notJson) {
            // a malformed secret is a test case of its own; the whole string is registered
        }
        replaceStub("secret:" + id, AwsJsonStubs.secret(id, secretString, null));
    }

    /**
     * Serves a binary secret ({@code SecretBinary}) to signed {@code GetSecretValue} calls; replaces
     * any earlier value or error for the id.
     *
     * @param id the {@code SecretId} clients send (name or ARN)
     * @param bytes the secret
     */
    public void putBinarySecret(String id, byte[] bytes) {
        replaceStub("secret:" + id, AwsJsonStubs.secret(id, null, Objects.requireNonNull(bytes, "bytes")));
    }

    /**
     * Makes {@code GetSecretValue} of one id fail with an AWS error; replaces any value for the id.
     *
     * @param id secret id
     * @param status HTTP status, e.g. 400
     * @param type error code sent as {@code __type}, e.g. {@code AccessDeniedException}
     * @param message error message
     */
    public void failSecret(String id, int status, String type, String message) {
        replaceStub("secret:" + id, AwsJsonStubs.secretError(id, status, type, message));
    }

    private synchronized void replaceStub(String key, MappingBuilder stub) {
        UUID previous = stubs.put(key, wireMock.stubFor(stub).getId());
        if (previous != null) {
            wireMock.removeStub(previous);
        }
    }

    // ---- faults ---------------------------------------------------------------------------------

    /**
     * Answers every request of one operation with {@code response} (an AWS error, a WireMock
     * {@code Fault}, a delay, a malformed body), ahead of any value, error or table registered for
     * it, until the returned handle is closed. Calls are still counted by {@link #calls}.
     *
     * @param target an {@code X-Amz-Target} value, e.g. {@code DynamoDB_20120810.GetItem}
     * @param response what WireMock sends instead
     * @return closing it removes the fault; idempotent
     */
    public AutoCloseable fault(String target, ResponseDefinitionBuilder response) {
        return fault(target, null, response);
    }

    /**
     * As {@link #fault(String, ResponseDefinitionBuilder)}, for the requests of one operation whose
     * body contains a string (a table name, parameter name or secret id, JSON-quoted), so that
     * several faults can be in place at once.
     *
     * @param target an {@code X-Amz-Target} value
     * @param bodyContains a substring of the request body, e.g. {@code "\"/lava/dev/pw\""}; {@code null} for all
     * @param response what WireMock sends instead
     * @return closing it removes the fault; idempotent
     */
    public AutoCloseable fault(String target, String bodyContains, ResponseDefinitionBuilder response) {
        MappingBuilder stub = post(anyUrl()).withHeader("X-Amz-Target", equalTo(target));
        if (bodyContains != null) {
            stub = stub.withRequestBody(containing(bodyContains));
        }
        UUID id = wireMock.stubFor(stub.atPriority(AwsJsonStubs.FAULT).willReturn(response)).getId();
        AtomicBoolean removed = new AtomicBoolean();
        return () -> {
            if (removed.compareAndSet(false, true)) {
                wireMock.removeStub(id);
            }
        };
    }

    /**
     * Answers the requests of the given operations, each with probability {@code rate}, with a random fault instead of
     * their answer: HTTP 500, {@code ThrottlingException}, connection reset, the answer {@code delayMillis} late, or a
     * malformed body ({@link AwsFaults.Kind}), until the returned handle is closed.
     *
     * @param rate probability of a fault per request, 0 to 1
     * @param delayMillis how late a delayed answer comes
     * @param seed seed of the draws
     * @param targets {@code X-Amz-Target} values
     * @return closing it ends the faults
     */
    public AutoCloseable randomFaults(double rate, int delayMillis, long seed, String... targets) {
        faults.random(Set.of(targets), rate, delayMillis, seed);
        return faults::stopRandom;
    }

    /**
     * Limits the rate of one operation with a token bucket: a request that finds it empty is answered HTTP 400
     * {@code ThrottlingException}, until the returned handle is closed.
     *
     * @param target an {@code X-Amz-Target} value, e.g. {@code AmazonSSM.GetParameter}
     * @param perSecond requests a second let through, on average
     * @param burst requests let through at once (the bucket's size, full at the start)
     * @return closing it ends the limit
     */
    public AutoCloseable rateLimit(String target, double perSecond, int burst) {
        faults.rateLimit(target, perSecond, burst);
        return () -> faults.stopRateLimit(target);
    }

    /** @return the counters of {@link #randomFaults} and {@link #rateLimit} */
    public AwsFaults faults() {
        return faults;
    }

    // ---- call counts ----------------------------------------------------------------------------

    /**
     * Counts the requests received by {@link #endpoint()} since start or {@link #resetCalls()}.
     *
     * @param target an {@code X-Amz-Target} value, e.g. {@code DynamoDB_20120810.GetItem},
     *     {@code AmazonSSM.GetParameter} or {@code secretsmanager.GetSecretValue}
     * @return how many requests carried that target, whatever their outcome
     */
    public int calls(String target) {
        return wireMock.findAll(RequestPatternBuilder.allRequests().withHeader("X-Amz-Target", equalTo(target))).size();
    }

    /**
     * Counts the requests of one operation whose body contains a string, since start or
     * {@link #resetCalls()}.
     *
     * @param target an {@code X-Amz-Target} value
     * @param bodyContains a substring of the request body
     * @return how many such requests arrived, whatever their outcome
     */
    public int calls(String target, String bodyContains) {
        return wireMock.findAll(RequestPatternBuilder.allRequests()
                .withHeader("X-Amz-Target", equalTo(target))
                .withRequestBody(containing(bodyContains))).size();
    }

    /**
     * Counts the requests received so far for one operation that were signed with one access key id.
     *
     * @param target the {@code X-Amz-Target} header value
     * @param accessKeyId the access key id in the SigV4 {@code Authorization} header's {@code Credential=}
     * @return the number of matching requests
     */
    public int callsSignedBy(String target, String accessKeyId) {
        return wireMock.findAll(RequestPatternBuilder.allRequests()
                .withHeader("X-Amz-Target", equalTo(target))
                .withHeader("Authorization",
                        matching(".*Credential=" + Pattern.quote(accessKeyId) + "/.*")))
                .size();
    }

    /**
     * The access key ids that signed the requests of one operation whose body contains a string.
     *
     * @param target the {@code X-Amz-Target} header value
     * @param bodyContains a substring of the request body
     * @return the access key id of each such request's SigV4 {@code Credential=}, in arrival order ({@code "(none)"}
     *     for a request without one)
     */
    public List<String> signers(String target, String bodyContains) {
        Pattern credential = Pattern.compile("Credential=([^/]+)/");
        return wireMock.findAll(RequestPatternBuilder.allRequests()
                        .withHeader("X-Amz-Target", equalTo(target))
                        .withRequestBody(containing(bodyContains)))
                .stream()
                .map(r -> {
                    java.util.regex.Matcher m = credential.matcher(String.valueOf(r.getHeader("Authorization")));
                    return m.find() ? m.group(1) : "(none)";
                })
                .toList();
    }

    /** Forgets all requests received so far and the recorded {@link #consistentReads}; stubs and data stay. */
    public void resetCalls() {
        wireMock.resetRequests();
        dynamoDb.resetReads();
    }

    /** Stops the endpoint; its tables, parameters and secrets are gone. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            wireMock.stop();
        }
    }

    @Override
    public String toString() {
        return "LocalAws[endpoint " + endpoint() + "]";
    }
}
