package io.lava.jdbc.internal.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lava.jdbc.LavaPgProperty;
import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.CallTimeouts;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParseException;

/**
 * How {@link AwsFailures} classifies SDK failures: by exception type and AWS error code, never by message text.
 * {@code ErrorShapesIT} runs the same shapes against the local AWS endpoint through both jars.
 */
class AwsFailuresTest {
    private static final String CALL = "SSM GetParameter '/lava/prod/pw'";
    private static final CallTimeouts TIMEOUTS = new CallTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(3));

    private static SourceException classify(SdkException e) {
        return AwsFailures.of(e, CALL, "ssm:GetParameter and kms:Decrypt", LavaPgProperty.PARAMETER_TTL, TIMEOUTS);
    }

    private static AwsServiceException service(int status, String code, String message) {
        return AwsServiceException.builder().statusCode(status).numAttempts(status >= 500 ? 3 : 1)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    /**
     * Each service error: its SQLState, what the message says, and whether it is an answer (the value a cache holds
     * is dropped) or the source unavailable (a cached value rides it out).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            400 | ThrottlingException                    | 08001 | unavailable | was throttled: ThrottlingException (HTTP 400)
            400 | RequestLimitExceeded                   | 08001 | unavailable | was throttled: RequestLimitExceeded (HTTP 400)
            400 | ProvisionedThroughputExceededException | 08001 | unavailable | was throttled: ProvisionedThroughputExceeded
            429 | TooManyRequests                        | 08001 | unavailable | was throttled: TooManyRequests (HTTP 429)
            400 | AccessDeniedException                  | 28000 | answer      | was denied: AccessDeniedException (HTTP 400): AWS
            403 | AccessDenied                           | 28000 | answer      | was denied: AccessDenied (HTTP 403): AWS
            403 | ExpiredTokenException                  | 28000 | answer      | was denied: ExpiredTokenException (HTTP 403): AWS
            400 | InvalidKeyId                           | 28000 | answer      | was denied: InvalidKeyId (HTTP 400): AWS says. The
            400 | DecryptionFailure                      | 28000 | answer      | was denied: DecryptionFailure (HTTP 400): AWS says.
            400 | KMS.DisabledException                  | 28000 | answer      | was denied: KMS.DisabledException (HTTP 400)
            500 | InternalServerError                    | 08001 | unavailable | failed: InternalServerError (HTTP 500), after 3
            503 | ServiceUnavailable                     | 08001 | unavailable | failed: ServiceUnavailable (HTTP 503), after 3
            400 | ValidationException                    | 08001 | answer      | was rejected: ValidationException (HTTP 400): AWS
            400 | ResourceNotFoundException              | 08001 | answer      | was rejected: ResourceNotFoundException (HTTP 400)
            400 | ParameterNotFound                      | 08001 | answer      | was rejected: ParameterNotFound (HTTP 400)
            """)
    void serviceErrorsByCodeAndStatus(int status, String code, String sqlState, String kind, String says) {
        AwsServiceException e = service(status, code, "AWS says");
        SourceException failure = classify(e);
        assertThat(failure.sqlState()).isEqualTo(sqlState);
        assertThat(failure.getMessage()).startsWith(CALL + " ").contains(says);
        assertThat(failure.getCause()).isSameAs(e);
        assertThat(failure.sourceUnavailable()).as(kind).isEqualTo(kind.equals("unavailable"));
    }

    @Test
    void timeoutsMalformedAnswersAndTheNetworkAreTheSourceUnavailable() {
        assertThat(classify(ApiCallTimeoutException.builder().message("late").build()).sourceUnavailable()).isTrue();
        assertThat(classify(ApiCallAttemptTimeoutException.builder().message("late").build()).sourceUnavailable())
                .isTrue();
        assertThat(classify(SdkClientException.create("Unable to unmarshall response",
                new UncheckedIOException(new JsonParseException(null, "Unexpected end-of-input")))).sourceUnavailable())
                .isTrue();
        assertThat(classify(SdkClientException.create("Connection refused", new SocketException("refused")))
                .sourceUnavailable()).isTrue();
    }

    @Test
    void aCredentialSourceThatCannotBeReachedIsUnavailableAndASignInThatIsOverIsAnAnswer() {
        SourceException unreachable = classify(new NoCredentialsException("08001", "no AWS credentials from the "
                + "container endpoint: it could not be reached", SdkClientException.create("refused")));
        assertThat(unreachable.sourceUnavailable()).isTrue();
        SourceException over = classify(new NoCredentialsException("28000", "no AWS credentials from IAM Identity "
                + "Center profile 'dev': run aws sso login --profile dev", SdkClientException.create("expired")));
        assertThat(over.sourceUnavailable()).isFalse();
        assertThat(over.sqlState()).isEqualTo("28000");
    }

    @Test
    void aServiceErrorWithoutACodeNamesTheStatus() {
        SourceException failure = classify(AwsServiceException.builder().statusCode(502).numAttempts(3)
                .awsErrorDetails(AwsErrorDetails.builder().build()).build());
        assertThat(failure.sqlState()).isEqualTo("08001");
        assertThat(failure.getMessage()).contains(CALL + " failed: HTTP 502, after 3 attempts. Retry later");
    }

    @Test
    void throttlingNamesTheTtlThatSparesCalls() {
        assertThat(classify(service(400, "ThrottlingException", "Rate exceeded")).getMessage())
                .contains("raise parameterTtl", "higher quota");
    }

    @Test
    void timeoutsNameThePropertyToRaise() {
        assertThat(classify(ApiCallTimeoutException.builder().message("late").build()).getMessage())
                .contains(CALL + " timed out: no answer within awsApiCallTimeout (10 s)", "Raise awsApiCallTimeout");
        assertThat(classify(ApiCallAttemptTimeoutException.builder().message("late").numAttempts(3).build())
                .getMessage()).contains(CALL + " timed out: no answer within awsApiCallAttemptTimeout (3 s per "
                        + "attempt), after 3 attempts", "Raise awsApiCallAttemptTimeout");
        // the HTTP client's read timeout (the socket timeout is the attempt timeout)
        assertThat(classify(SdkClientException.create("Unable to execute HTTP request: Read timed out",
                new SocketTimeoutException("Read timed out"))).getMessage())
                .contains("timed out: no answer within awsApiCallAttemptTimeout");
    }

    @Test
    void anAnswerTheSdkCannotParseIsMalformed() {
        SdkClientException e = SdkClientException.create("Unable to unmarshall response",
                new UncheckedIOException(new JsonParseException(null, "Unexpected end-of-input")));
        assertThat(classify(e).getMessage()).contains(CALL + " failed: the answer was malformed");
    }

    @Test
    void noCredentialsIsRecognisedByTypeNotByTheWordCredentials() {
        SdkClientException none = new NoCredentialsException("28000", "no AWS credentials from profile 'p': sign in",
                SdkClientException.create("Unable to load"));
        SourceException failure = classify(none);
        assertThat(failure.getMessage()).isEqualTo(CALL + " failed: no AWS credentials from profile 'p': sign in");
        assertThat(failure.sqlState()).isEqualTo("28000");
        SdkClientException dns = SdkClientException.create("Unable to execute HTTP request: credentials.example: "
                + "Name or service not known", new SocketException("credentials"));
        assertThat(classify(dns).getMessage()).doesNotContain("no AWS credentials").contains("Check the network");
    }

    @Test
    void theCredentialsOfAProfileWithoutAnyFailAsNoCredentials() {
        try (AwsClientRegistry registry = new AwsClientRegistry(new Metrics())) {
            assertThatThrownBy(() -> registry.credentials("lava-test-no-such-profile").resolveCredentials())
                    .isInstanceOf(NoCredentialsException.class).hasCauseInstanceOf(SdkClientException.class);
        }
    }

    @Test
    void aLinkageErrorInsideTheSdkMeansAnIncompleteJar() {
        NoClassDefFoundError error = new NoClassDefFoundError("io/lava/jdbc/shaded/Missing");
        SourceException failure = classify(SdkClientException.create("failed", error));
        assertThat(failure.sqlState()).isEqualTo("08001");
        assertThat(failure.getMessage()).startsWith("the driver could not load a class it needs");
        assertThat(failure.getCause()).isSameAs(error);
    }
}
