package io.lava.jdbc.it.failures;

import io.lava.jdbc.testing.Slow;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.it.packaging.ShadedJarIT;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.Json;
import com.github.tomakehurst.wiremock.http.Fault;
import io.lava.jdbc.cli.LavaPgCli;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.Version;
import io.lava.jdbc.internal.aws.NoCredentialsException;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.ChildJvm;
import io.lava.jdbc.testing.ChildJvm.Run;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every error shape AWS answers the driver's three calls with (DynamoDB {@code GetItem}, SSM {@code GetParameter},
 * Secrets Manager {@code GetSecretValue}), as users meet them: through each shipped jar, in a JVM of its own whose
 * class path holds nothing else — the {@code -all} jar alone, and the thin jar with the runtime dependencies an
 * application gets with it ({@code target/runtime.classpath}). {@link #ROWS} is the errors table of
 * {@code docs/errors.md} for AWS failures, row by row: what AWS answers, how many requests reach it (the SDK's
 * standard retry mode makes 3 attempts at what it retries), and the {@code SQLException} the caller gets: SQLState,
 * realm, conn_id and step in the
 * message, what it says, and the AWS SDK's exception as cause.
 *
 * <p>One child JVM per jar runs every case in sequence ({@link ErrorShapesProbe} in source-file mode, through
 * {@code DriverManager}); the two children run at the same time. Every case has its own realm, conn_id, parameter and
 * secret, so no cache or fault of one case reaches another; faults are in place before the children start, and
 * requests are counted once they have finished.
 *
 * <p>Also here: an {@code -all} jar with one class removed fails through the driver, the data source and each CLI
 * command with an {@code SQLException} that says the jar is incomplete ({@link Errors#incompleteJar}).
 */
@Slow
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
public class ErrorShapesIT {
    private static final String PASSWORD = "error-shapes-Pa55";
    private static final String USER = "es_user";
    private static final String DATABASE = "es_db";
    /** How DynamoDB qualifies its error codes on the wire. */
    private static final String DDB = "com.amazonaws.dynamodb.v20120810#";

    /** The jars users run. */
    public enum Jar {
        ALL, THIN
    }

    /** The AWS operations the driver calls, the step each belongs to, and the TTL that spares calls to it. */
    public enum Op {
        RECORD("DynamoDB_20120810.GetItem", "record", "recordTtl"),
        PARAMETER("AmazonSSM.GetParameter", "parameter", "parameterTtl"),
        SECRET("secretsmanager.GetSecretValue", "secret", "secretTtl");

        final String target;
        final String step;
        final String ttl;

        Op(String target, String step, String ttl) {
            this.target = target;
            this.step = step;
            this.ttl = ttl;
        }
    }

    // ---- the table ------------------------------------------------------------------------------------------------

    private static final Op RECORD = Op.RECORD;
    private static final Op PARAMETER = Op.PARAMETER;
    private static final Op SECRET = Op.SECRET;
    /**
     * The timeouts of every case: generous, so that a slow answer on a busy build machine never adds an attempt a row
     * does not expect.
     */
    private static final String TIMEOUTS = "awsApiCallTimeout=60&awsApiCallAttemptTimeout=20";
    /** What the throttled rows run with: throttling is retried until the call's deadline, here 3 s. */
    private static final String THROTTLED_DEADLINE = "awsApiCallTimeout=3&awsApiCallAttemptTimeout=2";
    /** What the delay rows run with instead: 1 s per attempt. */
    private static final String SHORT_ATTEMPTS = "awsApiCallTimeout=60&awsApiCallAttemptTimeout=1";
    private static final String DENIED_BY_IAM = "User: arn:aws:iam::123456789012:user/etl is not authorized to "
            + "perform: ";

    /**
     * The table. Columns: the operation; what AWS answers; the requests that reach AWS; the SQLState ({@code null}:
     * the connect succeeds); what the message says after {@code lava-pg realm '<realm>', conn_id '<conn_id>': <step>: }
     * ({@code <ttl>}: the operation's TTL property); the cause (an AWS error code, or an SDK exception type).
     */
    public static final List<Row> ROWS = List.of(
            // nothing wrong: every case's record, parameter and secret are in place; the rows below add one fault
            row(RECORD, nothingWrong(), 1, null, says(), null),
            row(PARAMETER, nothingWrong(), 1, null, says(), null),
            row(SECRET, nothingWrong(), 1, null, says(), null),

            // throttled: retried until the call's deadline (here awsApiCallTimeout=3: at least 2 attempts, jittered
            // back-off), then 08001 saying so, with the attempts and the deadline, naming the TTL and awsApiCallTimeout
            // to raise
            throttledRow(RECORD, ddbThrottled("ThrottlingException", "throttlingReasons", "Throughput exceeds the "
                    + "current capacity of your table or index."), "08001",
                    throttledSays("was throttled: ThrottlingException (HTTP 400), after "),
                    code("ThrottlingException")),
            throttledRow(RECORD, ddbThrottled("ProvisionedThroughputExceededException", "ThrottlingReasons", "The "
                    + "level of configured provisioned throughput for the table was exceeded."), "08001",
                    throttledSays("was throttled: ProvisionedThroughputExceededException (HTTP 400), after "),
                    code("ProvisionedThroughputExceededException")),
            throttledRow(RECORD, ddbThrottled("RequestLimitExceeded", "ThrottlingReasons", "Throughput exceeds the "
                    + "current throughput limit for your account."), "08001",
                    throttledSays("was throttled: RequestLimitExceeded (HTTP 400), after "),
                    code("RequestLimitExceeded")),
            throttledRow(PARAMETER, error(400, "ThrottlingException", "Rate exceeded"), "08001",
                    throttledSays("was throttled: ThrottlingException (HTTP 400), after "),
                    code("ThrottlingException")),
            throttledRow(PARAMETER, error(400, "RequestLimitExceeded", "Request limit exceeded"), "08001",
                    throttledSays("was throttled: RequestLimitExceeded (HTTP 400), after "),
                    code("RequestLimitExceeded")),
            throttledRow(SECRET, error(400, "ThrottlingException", "Rate exceeded"), "08001",
                    throttledSays("was throttled: ThrottlingException (HTTP 400), after "),
                    code("ThrottlingException")),
            throttledRow(SECRET, error(400, "RequestLimitExceeded", "Request limit exceeded"), "08001",
                    throttledSays("was throttled: RequestLimitExceeded (HTTP 400), after "),
                    code("RequestLimitExceeded")),

            // 5xx: 3 attempts, then 08001
            row(RECORD, error(500, "InternalServerError", "Internal server error"), 3, "08001",
                    says("failed: InternalServerError (HTTP 500), after 3 attempts", "Retry later"),
                    code("InternalServerError")),
            row(RECORD, error(503, "ServiceUnavailable", "Service unavailable"), 3, "08001",
                    says("failed: ServiceUnavailable (HTTP 503), after 3 attempts", "Retry later"),
                    code("ServiceUnavailable")),
            row(PARAMETER, error(500, "InternalServerError", "Internal server error"), 3, "08001",
                    says("failed: InternalServerError (HTTP 500), after 3 attempts", "Retry later"),
                    code("InternalServerError")),
            row(PARAMETER, error(503, "ServiceUnavailable", "Service unavailable"), 3, "08001",
                    says("failed: ServiceUnavailable (HTTP 503), after 3 attempts", "Retry later"),
                    code("ServiceUnavailable")),
            row(SECRET, error(500, "InternalServiceError", "Internal service error"), 3, "08001",
                    says("failed: InternalServiceError (HTTP 500), after 3 attempts", "Retry later"),
                    code("InternalServiceError")),
            row(SECRET, error(503, "ServiceUnavailable", "Service unavailable"), 3, "08001",
                    says("failed: ServiceUnavailable (HTTP 503), after 3 attempts", "Retry later"),
                    code("ServiceUnavailable")),

            // connection reset: 3 attempts, then 08001
            row(RECORD, reset(), 3, "08001", says("failed: ", "Check the network"), type("SdkClientException")),
            row(PARAMETER, reset(), 3, "08001", says("failed: ", "Check the network"), type("SdkClientException")),
            row(SECRET, reset(), 3, "08001", says("failed: ", "Check the network"), type("SdkClientException")),

            // no answer within awsApiCallAttemptTimeout: 3 attempts, then 08001 naming the property to raise (the cause
            // is the SDK's ApiCallAttemptTimeoutException, or its SdkClientException for the socket's read timeout)
            row(RECORD, late(2_000), 3, "08001", says("timed out: no answer within awsApiCallAttemptTimeout (1 s per "
                    + "attempt), after 3 attempts", "Raise awsApiCallAttemptTimeout"),
                    type("SdkClientException")),
            row(PARAMETER, late(2_000), 3, "08001", says("timed out: no answer within awsApiCallAttemptTimeout (1 s "
                    + "per attempt), after 3 attempts", "Raise awsApiCallAttemptTimeout"),
                    type("SdkClientException")),
            row(SECRET, late(2_000), 3, "08001", says("timed out: no answer within awsApiCallAttemptTimeout (1 s per "
                    + "attempt), after 3 attempts", "Raise awsApiCallAttemptTimeout"),
                    type("SdkClientException")),

            // malformed answer (200, not JSON): the SDK retries it too; 3 attempts, then 08001 saying so
            row(RECORD, malformed("{\"Item\": {\"conn_id\": {\"S\": "), 3, "08001",
                    says("failed: the answer was malformed (not the JSON AWS sends), after 3 attempts"),
                    type("SdkClientException")),
            row(PARAMETER, malformed("{\"Parameter\": {\"Value\": "), 3, "08001",
                    says("failed: the answer was malformed (not the JSON AWS sends), after 3 attempts"),
                    type("SdkClientException")),
            row(SECRET, malformed("{\"SecretString\": "), 3, "08001",
                    says("failed: the answer was malformed (not the JSON AWS sends), after 3 attempts"),
                    type("SdkClientException")),

            // no AWS credentials: nothing is sent; 08001
            row(RECORD, noCredentials(), 0, "08001", says("failed: no AWS credentials: AWS profile 'nobody' does "
                    + "not exist in ", "Set awsProfile (or AWS_PROFILE) to a profile those files define"),
                    type("NoCredentialsException")),

            // access denied: not retried; 28000 with AWS's message
            row(RECORD, error(400, "AccessDeniedException", DENIED_BY_IAM + "dynamodb:GetItem"), 1, "28000",
                    says("was denied: AccessDeniedException (HTTP 400): " + DENIED_BY_IAM + "dynamodb:GetItem",
                            "needs dynamodb:GetItem"),
                    code("AccessDeniedException")),
            row(PARAMETER, error(400, "AccessDeniedException", DENIED_BY_IAM + "ssm:GetParameter"), 1, "28000",
                    says("was denied: AccessDeniedException (HTTP 400): " + DENIED_BY_IAM + "ssm:GetParameter",
                            "needs ssm:GetParameter and kms:Decrypt"),
                    code("AccessDeniedException")),
            row(SECRET, error(400, "AccessDeniedException", DENIED_BY_IAM + "secretsmanager:GetSecretValue"), 1,
                    "28000", says("was denied: AccessDeniedException (HTTP 400): " + DENIED_BY_IAM
                            + "secretsmanager:GetSecretValue", "needs secretsmanager:GetSecretValue"),
                    code("AccessDeniedException")),

            // the KMS key: SSM reports a key it cannot use as InvalidKeyId, and KMS refusing kms:Decrypt to the
            // identity as AccessDeniedException with KMS's message; Secrets Manager as DecryptionFailure and
            // AccessDeniedException. Not retried; 28000
            row(PARAMETER, error(400, "InvalidKeyId", "The key ID is not valid."), 1, "28000",
                    says("was denied: InvalidKeyId (HTTP 400): The key ID is not valid. The KMS key"),
                    code("InvalidKeyId")),
            row(PARAMETER, error("KMS refuses kms:Decrypt", 400, "AccessDeniedException", "The ciphertext refers to a "
                    + "customer master key that does not exist, does not exist in this region, or you are not allowed "
                    + "to access. (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException)"), 1, "28000",
                    says("was denied: AccessDeniedException (HTTP 400): The ciphertext refers to a customer master "
                            + "key", "needs ssm:GetParameter and kms:Decrypt"),
                    code("AccessDeniedException")),
            row(SECRET, error(400, "DecryptionFailure", "Secrets Manager can't decrypt the protected secret text "
                    + "using the provided KMS key."), 1, "28000",
                    says("was denied: DecryptionFailure (HTTP 400): Secrets Manager can't decrypt", "The KMS key"),
                    code("DecryptionFailure")),
            row(SECRET, error("KMS refuses kms:Decrypt", 400, "AccessDeniedException", "Access to KMS is not allowed"),
                    1, "28000", says("was denied: AccessDeniedException (HTTP 400): Access to KMS is not allowed"),
                    code("AccessDeniedException")),

            // not found: not retried; 08001
            row(RECORD, error(400, "ResourceNotFoundException", "Requested resource not found"), 1, "08001",
                    says("DynamoDB table 'lava.<realm>.connections' (us-east-1) does not exist"),
                    code("ResourceNotFoundException")),
            row(RECORD, answer("no such item", op -> json(op, 200, "{}")), 1, "08001",
                    says("no such connection in DynamoDB table 'lava.<realm>.connections'"), null),
            row(PARAMETER, error(400, "ParameterNotFound", ""), 1, "08001",
                    says("SSM parameter '/lava/<realm>/pw' does not exist"), code("ParameterNotFound")),
            row(SECRET, error(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret."),
                    1, "08001", says("secret '/lava/<realm>/secret' does not exist"),
                    code("ResourceNotFoundException")),

            // invalid request: not retried; 08001 with AWS's message
            row(RECORD, error(400, "ValidationException", "1 validation error detected"), 1, "08001",
                    says("was rejected: ValidationException (HTTP 400): 1 validation error detected"),
                    code("ValidationException")),
            row(PARAMETER, error(400, "ValidationException", "1 validation error detected"), 1, "08001",
                    says("was rejected: ValidationException (HTTP 400): 1 validation error detected"),
                    code("ValidationException")),
            row(SECRET, error(400, "ValidationException", "1 validation error detected"), 1, "08001",
                    says("was rejected: ValidationException (HTTP 400): 1 validation error detected"),
                    code("ValidationException")));

    /**
     * One row of the table.
     *
     * @param op the AWS operation that fails
     * @param answer what AWS answers it
     * @param calls the requests of the case that reach AWS
     * @param sqlState the SQLException's state; {@code null}: the connect succeeds
     * @param says what the message says after the step ({@code <realm>}, {@code <ttl>}: the case's)
     * @param cause what the SQLException's cause is, or {@code null} for none
     */
    public record Row(Op op, Answer answer, int calls, String sqlState, List<String> says, Cause cause, boolean atLeast) {
        /** The case's name in realm, conn_id, parameter and secret names. */
        String slug() {
            return op.step + "-" + answer.label().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                    .replaceAll("-$", "");
        }

        @Override
        public String toString() {
            return op.target + " answered " + answer.label();
        }
    }

    /**
     * What AWS answers.
     *
     * @param label the row's name
     * @param status HTTP status of an AWS error ({@code code}), else 0
     * @param code the error code of an AWS error ({@code __type}), or {@code null}
     * @param message the error message of an AWS error
     * @param raw any other answer, per operation, or {@code null}
     * @param urlProperties what the case's URL adds to its query: its timeouts, and any other property
     */
    public record Answer(String label, int status, String code, String message,
                  Function<Op, ResponseDefinitionBuilder> raw, String urlProperties) {
    }

    /**
     * What the SQLException's cause must be, beyond an exception of the jar's AWS SDK.
     *
     * @param awsErrorCode the {@code AwsServiceException}'s error code, or {@code null}
     * @param type the simple name of a class the cause is or extends, or {@code null}
     */
    public record Cause(String awsErrorCode, String type) {
    }

    private static Row row(Op op, Answer answer, int calls, String sqlState, List<String> says, Cause cause) {
        return new Row(op, answer, calls, sqlState, says, cause, false);
    }

    /** A throttled row: run with {@link #THROTTLED_DEADLINE}; at least 2 requests reach AWS (retries are jittered). */
    private static Row throttledRow(Op op, Answer answer, String sqlState, List<String> says, Cause cause) {
        Answer shortDeadline = new Answer(answer.label(), answer.status(), answer.code(), answer.message(),
                answer.raw(), THROTTLED_DEADLINE);
        return new Row(op, shortDeadline, 2, sqlState, says, cause, true);
    }

    /** What a throttled row's message says: {@code first}, then the attempts, the deadline and what to raise. */
    private static List<String> throttledSays(String first) {
        return says(first, "attempts, retried until the call's deadline (3 s", "raise <ttl>",
                "raise awsApiCallTimeout");
    }

    private static List<String> says(String... fragments) {
        return List.of(fragments);
    }

    private static Answer nothingWrong() {
        return new Answer("nothing wrong", 0, null, null, null, TIMEOUTS);
    }

    private static Answer error(int status, String code, String message) {
        return error(code + " (HTTP " + status + ")", status, code, message);
    }

    private static Answer error(String label, int status, String code, String message) {
        return new Answer(label, status, code, message, null, TIMEOUTS);
    }

    private static Answer answer(String label, Function<Op, ResponseDefinitionBuilder> raw) {
        return new Answer(label, 0, null, null, raw, TIMEOUTS);
    }

    /** DynamoDB's throttling errors carry the reasons ({@code ThrottlingReason}), in a field each names its way. */
    private static Answer ddbThrottled(String code, String reasonsField, String message) {
        return answer(code + " (HTTP 400)", op -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("__type", DDB + code);
            body.put("message", message);
            body.put(reasonsField, List.of(Map.of("reason", "TableReadProvisionedThroughputExceeded",
                    "resource", "arn:aws:dynamodb:us-east-1:123456789012:table/lava.throttled.connections")));
            return json(op, 400, Json.write(body));
        });
    }

    private static Answer reset() {
        return answer("connection reset", op -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
    }

    private static Answer late(int millis) {
        return new Answer("answer after " + millis + " ms", 0, null, null,
                op -> json(op, 200, "{}").withFixedDelay(millis), SHORT_ATTEMPTS);
    }

    private static Answer malformed(String body) {
        return answer("malformed JSON", op -> json(op, 200, body));
    }

    /** No request at all: the URL names a profile that the (absent) AWS config files do not have. */
    private static Answer noCredentials() {
        return new Answer("awsProfile without credentials", 0, null, null, null, TIMEOUTS + "&awsProfile=nobody");
    }

    private static Cause code(String awsErrorCode) {
        return new Cause(awsErrorCode, null);
    }

    private static Cause type(String simpleName) {
        return new Cause(null, simpleName);
    }

    /** An answer in the operation's protocol: AWS JSON 1.0 for DynamoDB, 1.1 for SSM and Secrets Manager. */
    private static ResponseDefinitionBuilder json(Op op, int status, String body) {
        return aResponse().withStatus(status)
                .withHeader("Content-Type", "application/x-amz-json-" + (op == Op.RECORD ? "1.0" : "1.1"))
                .withBody(body);
    }

    // ---- the cases ------------------------------------------------------------------------------------------------

    /**
     * One row run through one jar.
     *
     * @param jar the jar
     * @param row the row
     */
    public record Case(Jar jar, Row row) {
        String id() {
            return jar.name().toLowerCase(Locale.ROOT) + "-" + row.slug();
        }

        String realm() {
            return "es-" + id();
        }

        String connId() {
            return "c-" + row.slug();
        }

        String parameter() {
            return "/lava/" + realm() + "/pw";
        }

        String secret() {
            return "/lava/" + realm() + "/secret";
        }

        /** The JSON-quoted name that only this case's requests of {@link Row#op} carry. */
        String bodyContains() {
            return switch (row.op) {
                case RECORD -> "\"" + LocalAws.connectionsTable(realm()) + "\"";
                case PARAMETER -> "\"" + parameter() + "\"";
                case SECRET -> "\"" + secret() + "\"";
            };
        }

        String url() {
            return "jdbc:lava-pg:" + realm() + "/" + connId() + "?awsEndpointUrl=" + aws.endpoint()
                    + "&awsRegion=us-east-1&" + row.answer().urlProperties();
        }
    }

    private static final String WARM_UP = "warm-up";
    private static final List<AutoCloseable> FAULTS = new ArrayList<>();
    private static final Map<Jar, Properties> RESULTS = new EnumMap<>(Jar.class);
    private static LocalPostgres pg;
    private static LocalAws aws;

    @TempDir
    public static Path home;

    @BeforeAll
    public static void runEveryCaseThroughEachJar(LocalPostgres postgres, LocalAws localAws) throws Exception {
        pg = postgres;
        aws = localAws;
        pg.createRole(USER, PASSWORD);
        pg.createDatabase(DATABASE, USER);
        Map<Jar, CompletableFuture<Run>> runs = new EnumMap<>(Jar.class);
        for (Jar jar : Jar.values()) {
            StringBuilder lines = new StringBuilder(WARM_UP + "\tdriver\t" + warmUp(jar) + "\n");
            for (Row row : ROWS) {
                Case c = new Case(jar, row);
                prepare(c);
                lines.append(c.id()).append("\tdriver\t").append(c.url()).append('\n');
            }
            Path cases = Files.writeString(home.resolve(jar + ".cases"), lines);
            Path results = home.resolve(jar + ".results");
            runs.put(jar, CompletableFuture.supplyAsync(() -> probe(classPath(jar), cases, results)));
        }
        for (Jar jar : Jar.values()) {
            Run run = runs.get(jar).join();
            assertThat(run.exitCode()).as("probe on the %s jar: %s", jar, run.err()).isZero();
            Path file = home.resolve(jar + ".results");
            // for the reader of a failed build: every case as the child saw it
            Files.copy(file, target().resolve("error-shapes-" + jar.name().toLowerCase(Locale.ROOT)
                    + ".properties"), StandardCopyOption.REPLACE_EXISTING);
            Properties results = load(file);
            assertThat(results.getProperty(WARM_UP + ".outcome")).as(describe(results, WARM_UP))
                    .isEqualTo("connected");
            RESULTS.put(jar, results);
        }
    }

    @AfterAll
    public static void removeFaults() throws Exception {
        for (AutoCloseable fault : FAULTS) {
            fault.close();
        }
    }

    /**
     * The first case of each child, not a row: one call to each service, so that no row pays for the loading of the
     * SDK's classes.
     *
     * @return its URL
     */
    private static String warmUp(Jar jar) {
        String realm = "es-" + jar.name().toLowerCase(Locale.ROOT) + "-" + WARM_UP;
        aws.createConnectionsTable(realm);
        Map<String, Object> record = LavaRealm.postgresRecord(WARM_UP, pg, DATABASE, USER, "/lava/" + realm + "/pw");
        record.put("secret_id", "/lava/" + realm + "/secret");
        aws.putRecord(LocalAws.connectionsTable(realm), record);
        aws.putParameter("/lava/" + realm + "/pw", PASSWORD);
        aws.putSecret("/lava/" + realm + "/secret", "{\"password\":\"" + PASSWORD + "\"}");
        return "jdbc:lava-pg:" + realm + "/" + WARM_UP + "?awsEndpointUrl=" + aws.endpoint()
                + "&awsRegion=us-east-1&" + TIMEOUTS;
    }

    /** The case's record, parameter or secret, and its fault. */
    private static void prepare(Case c) {
        Op op = c.row().op();
        aws.createConnectionsTable(c.realm());
        Map<String, Object> record = LavaRealm.postgresRecord(c.connId(), pg, DATABASE, USER, c.parameter());
        if (op == Op.SECRET) {
            record.remove("user");
            record.remove("password");
            record.put("secret_id", c.secret());
            aws.putSecret(c.secret(), "{\"username\":\"" + USER + "\",\"password\":\"" + PASSWORD + "\"}");
        } else {
            aws.putParameter(c.parameter(), PASSWORD);
        }
        aws.putRecord(LocalAws.connectionsTable(c.realm()), record);
        Answer answer = c.row().answer();
        if (answer.raw() != null) {
            FAULTS.add(aws.fault(op.target, c.bodyContains(), answer.raw().apply(op)));
        } else if (answer.code() != null) {
            switch (op) {
                case RECORD -> FAULTS.add(aws.fault(op.target, c.bodyContains(), json(op, answer.status(),
                        Json.write(Map.of("__type", DDB + answer.code(), "message", answer.message())))));
                case PARAMETER -> aws.failParameter(c.parameter(), answer.status(), answer.code(), answer.message());
                case SECRET -> aws.failSecret(c.secret(), answer.status(), answer.code(), answer.message());
            }
        }
    }

    public static Stream<Arguments> cases() {
        return Arrays.stream(Jar.values()).flatMap(jar -> ROWS.stream().map(row -> Arguments.of(jar, row)));
    }

    @ParameterizedTest(name = "{0} jar: {1}")
    @MethodSource("cases")
    public void endsAsTheReadmeSays(Jar jar, Row row) {
        Case c = new Case(jar, row);
        Properties results = RESULTS.get(jar);
        String id = c.id();
        int calls = aws.calls(row.op().target, c.bodyContains());
        String seen = describe(results, id) + "\n  requests: " + calls;
        if (row.sqlState() == null) {
            assertThat(results.getProperty(id + ".outcome")).as(seen).isEqualTo("connected");
        } else {
            assertThat(results.getProperty(id + ".outcome")).as("how the connect ended\n%s", seen)
                    .isEqualTo("SQLException");
            assertThat(results.getProperty(id + ".sqlState")).as("SQLState\n%s", seen).isEqualTo(row.sqlState());
            String message = results.getProperty(id + ".message");
            assertThat(message).as("message\n%s", seen)
                    .startsWith("lava-pg realm '" + c.realm() + "', conn_id '" + c.connId() + "': " + row.op().step
                            + ": ")
                    .doesNotContain(PASSWORD, "lava-test-secret-key");
            for (String fragment : row.says()) {
                assertThat(message).as("message\n%s", seen)
                        .contains(fragment.replace("<realm>", c.realm()).replace("<ttl>", row.op().ttl));
            }
            if (row.cause() != null) {
                List<String> causeTypes = Arrays.asList(results.getProperty(id + ".causeTypes", "").split(","));
                assertThat(causeTypes).as("the cause is an exception of the %s jar's AWS SDK\n%s", jar, seen)
                        .contains((jar == Jar.ALL ? "io.lava.jdbc.shaded." : "")
                                + "software.amazon.awssdk.core.exception.SdkException");
                if (row.cause().awsErrorCode() != null) {
                    assertThat(results.getProperty(id + ".awsErrorCode")).as("the cause's AWS error code\n%s", seen)
                            .isEqualTo(row.cause().awsErrorCode());
                }
                if (row.cause().type() != null) {
                    assertThat(causeTypes.stream().map(name -> name.substring(name.lastIndexOf('.') + 1)))
                            .as("the cause's classes\n%s", seen).contains(row.cause().type());
                }
            }
        }
        if (row.atLeast()) {
            assertThat(calls).as("requests that reached AWS\n%s", seen).isGreaterThanOrEqualTo(row.calls());
        } else {
            assertThat(calls).as("requests that reached AWS\n%s", seen).isEqualTo(row.calls());
        }
    }

    // ---- a jar with a class missing -------------------------------------------------------------------------------

    /** A class of the relocated SDK that only the parameter step loads: what a too narrow shade filter leaves out. */
    private static final String REMOVED =
            "io/lava/jdbc/shaded/software/amazon/awssdk/services/ssm/model/GetParameterResponse.class";

    @Test
    public void aJarWithAClassMissingFailsWithAnSqlExceptionSayingSoThroughEveryEntryPoint() throws Exception {
        Path broken = Files.createDirectories(home.resolve("broken")).resolve("lava-pg-jdbc-all.jar");
        Files.copy(ShadedJarIT.allJar(), broken);
        try (FileSystem zip = FileSystems.newFileSystem(broken)) {
            Files.delete(zip.getPath(REMOVED));
        }
        String realm = "es-broken";
        aws.createConnectionsTable(realm);
        aws.putParameter("/lava/" + realm + "/pw", PASSWORD);
        for (String connId : List.of("driver", "datasource", "check", "record", "psql")) {
            aws.putRecord(LocalAws.connectionsTable(realm),
                    LavaRealm.postgresRecord(connId, pg, DATABASE, USER, "/lava/" + realm + "/pw"));
        }
        Function<String, String> url = connId -> "jdbc:lava-pg:" + realm + "/" + connId + "?awsEndpointUrl="
                + aws.endpoint() + "&awsRegion=us-east-1";
        Path cases = Files.writeString(home.resolve("broken.cases"), "driver\tdriver\t" + url.apply("driver")
                + "\ndatasource\tdatasource\t" + url.apply("datasource") + "\n");
        Path resultsFile = home.resolve("broken.results");
        CompletableFuture<Run> probe = CompletableFuture.supplyAsync(() -> probe(broken.toString(), cases,
                resultsFile));
        Map<String, CompletableFuture<Run>> cli = new LinkedHashMap<>();
        for (String command : List.of("check", "record", "psql")) {
            cli.put(command, CompletableFuture.supplyAsync(() -> java(List.of("-jar", broken.toString(), command,
                    url.apply(command)))));
        }
        String says = "parameter: the driver could not load a class it needs (java.lang.NoClassDefFoundError: "
                + REMOVED.replace(".class", "") + "): the lava-pg-jdbc jar is incomplete, or mixed with another copy "
                + "of the driver or of its libraries on the class path. Use one lava-pg-jdbc jar: the -all jar alone, "
                + "or the thin jar with its dependencies";

        Run run = probe.join();
        assertThat(run.exitCode()).as(run.err()).isZero();
        Properties results = load(resultsFile);
        for (String via : List.of("driver", "datasource")) {
            String seen = describe(results, via);
            assertThat(results.getProperty(via + ".outcome")).as(seen).isEqualTo("SQLException");
            assertThat(results.getProperty(via + ".sqlState")).as(seen).isEqualTo("08001");
            assertThat(results.getProperty(via + ".message")).as(seen)
                    .startsWith("lava-pg realm '" + realm + "', conn_id '" + via + "': " + says);
            assertThat(results.getProperty(via + ".cause")).as(seen).isEqualTo("java.lang.NoClassDefFoundError");
        }
        for (Map.Entry<String, CompletableFuture<Run>> command : cli.entrySet()) {
            Run cliRun = command.getValue().join();
            assertThat(cliRun.exitCode()).as("lava-pg %s: %s", command.getKey(), cliRun.err())
                    .isEqualTo(LavaPgCli.FAILED);
            assertThat(cliRun.err()).as("lava-pg %s", command.getKey())
                    .contains("lava-pg: lava-pg realm '" + realm + "', conn_id '" + command.getKey() + "': " + says)
                    .contains("SQLState: 08001")
                    .doesNotContain(PASSWORD, "Exception in thread");
        }
    }

    // ---- the child JVMs -------------------------------------------------------------------------------------------

    private static Path target() {
        return Path.of(System.getProperty("basedir", "."), "target");
    }

    /** @return a user's class path for the jar: the {@code -all} jar alone, or the thin jar and its dependencies */
    public static String classPath(Jar jar) {
        if (jar == Jar.ALL) {
            return ShadedJarIT.allJar().toString();
        }
        Path thin = target().resolve("lava-pg-jdbc-" + Version.FULL + ".jar");
        Path dependencies = target().resolve("runtime.classpath");
        assertThat(thin).as("the thin jar (built by mvn package)").isRegularFile();
        assertThat(dependencies).as("its runtime class path (written by mvn package)").isRegularFile();
        try {
            return thin + File.pathSeparator + Files.readString(dependencies).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The probe's source file, run as it is: the child compiles it against the class path under test only. */
    public static Path probeSource() {
        return Path.of(System.getProperty("basedir", "."), "src", "test", "java", "io", "lava", "jdbc",
                "it", "failures", "ErrorShapesProbe.java");
    }

    /** Runs {@link ErrorShapesProbe} with {@code classPath} only, in a new JVM. */
    public static Run probe(String classPath, Path cases, Path results) {
        return java(List.of("-cp", classPath, probeSource().toString(), cases.toString(), results.toString()));
    }

    /**
     * Runs {@code java <args>} in a new JVM with a clean environment: PATH, an empty home, the harness's static AWS
     * credentials, no instance metadata, no AWS config or credentials file. At most 5 minutes.
     */
    public static Run java(List<String> args) {
        List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-Duser.home=" + home,
                "-Djava.io.tmpdir=" + home));
        command.addAll(args);
        return ChildJvm.run(command, ChildJvm.cleanEnvironment(home), Duration.ofMinutes(5));
    }

    /**
     * Runs {@link ErrorShapesProbe} over {@code cases} with {@code classPath} only, in a new JVM whose home and
     * temporary directory are {@code home}, given {@code jvmOptions} (e.g. an operator policy), and fails unless it
     * ends normally.
     *
     * @param cases one case a line: {@code id<TAB>driver|datasource<TAB>url}
     * @return the probe's results, keys {@code <id>.<field>}
     */
    public static Properties probeResults(Path home, List<String> jvmOptions, String classPath, String cases)
            throws IOException {
        Path caseFile = Files.writeString(home.resolve("cases.tsv"), cases);
        Path resultFile = home.resolve("results.properties");
        List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-Duser.home=" + home,
                "-Djava.io.tmpdir=" + home));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, probeSource().toString(), caseFile.toString(), resultFile.toString()));
        ChildJvm.Run run = ChildJvm.run(command, ChildJvm.cleanEnvironment(home), Duration.ofMinutes(3));
        assertThat(run.exitCode()).as(run.all()).isZero();
        return load(resultFile);
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        return properties;
    }

    private static String describe(Properties results, String id) {
        StringBuilder out = new StringBuilder("case ").append(id).append(':');
        for (String field : List.of("outcome", "sqlState", "message", "cause", "awsErrorCode", "awsStatus",
                "attempts", "causeChain", "millis")) {
            String value = results.getProperty(id + "." + field);
            if (value != null) {
                out.append("\n  ").append(field).append(": ").append(value);
            }
        }
        return out.toString();
    }
}
