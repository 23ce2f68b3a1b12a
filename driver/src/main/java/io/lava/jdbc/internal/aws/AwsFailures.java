package io.lava.jdbc.internal.aws;

import io.lava.jdbc.LavaPgProperty;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.CallTimeouts;
import java.net.SocketTimeoutException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.thirdparty.jackson.core.JsonProcessingException;

/**
 * Turns an AWS SDK failure into a {@link SourceException} with an SQLState, what happened and what to do. Classifies by
 * exception type and AWS error code only, never by message text:
 *
 * <ul>
 *   <li>a {@link LinkageError} anywhere in the cause chain: the driver's jar is incomplete
 *       ({@link Errors#incompleteJar}, 08001);
 *   <li>{@link AwsServiceException#isThrottlingException() throttling} (HTTP 429, {@code ThrottlingException},
 *       {@code RequestLimitExceeded}, {@code ProvisionedThroughputExceededException}, ...), the last attempt of a call
 *       retried until its deadline ({@link ConnectRetryStrategy}): "was throttled", 08001, with the number of
 *       attempts, the deadline, the TTL property that spares calls and {@code awsApiCallTimeout};
 *   <li>an error code of {@link #DENIED} or {@link #KMS}: "was denied", 28000, with AWS's message (which names the
 *       policy or KMS key);
 *   <li>HTTP 5xx: 08001, retry later;
 *   <li>any other service error ({@code ValidationException}, ...): "was rejected", 08001, with AWS's message;
 *   <li>{@link ApiCallTimeoutException}, {@link ApiCallAttemptTimeoutException}, a {@link SocketTimeoutException}:
 *       "timed out", 08001, naming {@code awsApiCallTimeout} or {@code awsApiCallAttemptTimeout};
 *   <li>the SDK's JSON parser failing on an answer ({@link JsonProcessingException}): "answer was malformed", 08001;
 *   <li>{@link NoCredentialsException} (from {@link AwsClientRegistry#credentials}): no AWS credentials, with the
 *       SQLState and message {@link CredentialFailures} gave it (the source, the profile, what to do);
 *   <li>anything else (connection refused or reset, DNS, TLS): 08001, check the network.
 * </ul>
 * Messages never contain a value read from AWS; AWS's error messages name resources and policies, never secret values.
 *
 * <p>This is where an AWS failure is classified as an answer or as the source being unavailable
 * ({@link SourceException#sourceUnavailable()}), which decides whether a cached value may still be served: throttling,
 * HTTP 5xx, timeouts, a malformed answer, the network, and a credential source that cannot be reached (08001) are
 * unavailability; denied, KMS refusals, a sign-in that is over or a role refused (28000), and every other service
 * error (a 4xx such as {@code ResourceNotFoundException} or {@code ValidationException}) are answers.
 */
final public class AwsFailures {
    /** Error codes that mean the AWS identity may not do this (SQLState 28000). */
    private static final Set<String> DENIED = Set.of("AccessDeniedException", "AccessDenied",
            "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException",
            "InvalidClientTokenId", "SignatureDoesNotMatch");
    /**
     * Error codes that mean the KMS key of a SecureString or secret cannot be used (SQLState 28000): SSM's
     * {@code InvalidKeyId}, Secrets Manager's {@code DecryptionFailure}, and KMS's own codes as services pass them on.
     * KMS refusing this identity reaches SSM and Secrets Manager callers as {@code AccessDeniedException}
     * ({@link #DENIED}) with KMS's message.
     */
    private static final Set<String> KMS = Set.of("InvalidKeyId", "DecryptionFailure", "KMSAccessDeniedException",
            "KMS.AccessDeniedException", "KMS.KMSAccessDeniedException", "KMS.DisabledException",
            "KMS.InvalidStateException", "KMS.KMSInvalidStateException", "KMS.NotFoundException");
    /** Longest piece of an AWS error message quoted in a message. */
    private static final int MAX_AWS_MESSAGE = 300;

    private AwsFailures() {
    }

    /**
     * @param e the SDK exception
     * @param call the call that failed, e.g. {@code "SSM GetParameter '/lava/prod/pw'"}
     * @param permission the IAM permission it needs, e.g. {@code "ssm:GetParameter and kms:Decrypt"}
     * @param ttl the TTL property whose value decides how often this call is made, e.g.
     *     {@link LavaPgProperty#PARAMETER_TTL}
     * @param timeouts the call's time limits, named in a timeout's message; {@code null} for a call without HTTP
     *     (signing)
     * @return a failure with SQLState 28000 for access and KMS errors, else 08001 (see the class description)
     */
    public static SourceException of(SdkException e, String call, String permission, LavaPgProperty ttl,
                              CallTimeouts timeouts) {
        LinkageError linkage = Errors.linkageError(e);
        if (linkage != null) {
            return Errors.incompleteJar(linkage);
        }
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return ofService(service, call, permission, ttl, timeouts);
        }
        if (e instanceof ApiCallTimeoutException) {
            return SourceException.unavailable(Errors.UNABLE_TO_CONNECT, call + " timed out: no answer within "
                    + LavaPgProperty.AWS_API_CALL_TIMEOUT.getName() + seconds(timeouts, true, "")
                    + attempts(e, ", ") + ". Raise " + LavaPgProperty.AWS_API_CALL_TIMEOUT.getName()
                    + ", or check the network, the region and the endpoint", e);
        }
        if (e instanceof ApiCallAttemptTimeoutException || causedBy(e, SocketTimeoutException.class)) {
            return SourceException.unavailable(Errors.UNABLE_TO_CONNECT, call + " timed out: no answer within "
                    + LavaPgProperty.AWS_API_CALL_ATTEMPT_TIMEOUT.getName() + seconds(timeouts, false, " per attempt")
                    + attempts(e, ", ") + ". Raise "
                    + LavaPgProperty.AWS_API_CALL_ATTEMPT_TIMEOUT.getName() + " (and "
                    + LavaPgProperty.AWS_API_CALL_TIMEOUT.getName() + ", which bounds all attempts together), or "
                    + "check the network, the region and the endpoint", e);
        }
        if (causedBy(e, JsonProcessingException.class)) {
            return SourceException.unavailable(Errors.UNABLE_TO_CONNECT, call + " failed: the answer was malformed "
                    + "(not the JSON AWS sends)" + attempts(e, ", ") + ". Check the endpoint (awsEndpointUrl / "
                    + "AWS_ENDPOINT_URL) and any proxy between this machine and AWS; retry later", e);
        }
        NoCredentialsException none = find(e, NoCredentialsException.class);
        if (none != null) {
            // 28000: the identity was refused or its sign-in is over (an answer); 08001: its source could not be asked
            String message = call + " failed: " + none.getMessage();
            return Errors.INVALID_AUTHORIZATION.equals(none.sqlState())
                    ? new SourceException(none.sqlState(), message, none)
                    : SourceException.unavailable(none.sqlState(), message, none);
        }
        return SourceException.unavailable(Errors.UNABLE_TO_CONNECT, call + " failed: " + e.getMessage()
                + ". Check the network, the region and the endpoint (awsEndpointUrl / AWS_ENDPOINT_URL)", e);
    }

    private static SourceException ofService(AwsServiceException e, String call, String permission,
                                             LavaPgProperty ttl, CallTimeouts timeouts) {
        String what = what(e);
        String code = e.awsErrorDetails().errorCode();
        if (e.isThrottlingException()) {
            // throttled attempts are retried until the call's deadline (ConnectRetryStrategy): this is the last one
            return SourceException.unavailable(Errors.UNABLE_TO_CONNECT, call + " was throttled: " + what
                    + attempts(e, ", ") + ", retried until the call's deadline" + seconds(timeouts, true, ", "
                    + LavaPgProperty.AWS_API_CALL_TIMEOUT.getName() + " capped by loginTimeout")
                    + ". AWS limits the rate of these calls; raise " + ttl.getName() + " so that fewer connects "
                    + "reach AWS, raise " + LavaPgProperty.AWS_API_CALL_TIMEOUT.getName() + " (and loginTimeout, "
                    + "which caps it) to wait longer, spread out the connects, or ask AWS for a higher quota", e);
        }
        if (code != null && KMS.contains(code)) {
            return new SourceException(Errors.INVALID_AUTHORIZATION, call + " was denied: " + what + awsMessage(e)
                    + ". The KMS key that encrypts it must exist, be enabled, and allow kms:Decrypt to this AWS "
                    + "identity; the identity needs " + permission, e);
        }
        if (code != null && DENIED.contains(code)) {
            return new SourceException(Errors.INVALID_AUTHORIZATION, call + " was denied: " + what + awsMessage(e)
                    + ". The AWS identity needs " + permission + " on this resource, and valid credentials", e);
        }
        if (e.statusCode() >= 500) {
            return SourceException.unavailable(Errors.UNABLE_TO_CONNECT, call + " failed: " + what
                    + attempts(e, ", ") + ". Retry later; if it persists, check the AWS service health, region and "
                    + "endpoint", e);
        }
        return new SourceException(Errors.UNABLE_TO_CONNECT, call + " was rejected: " + what + awsMessage(e)
                + ". Check the name in this message (from the URL or the record), the region and the endpoint", e);
    }

    /** @return {@code "<error code> (HTTP <status>)"}, or {@code "HTTP <status>"} without an error code */
    static String what(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return code == null ? "HTTP " + e.statusCode() : code + " (HTTP " + e.statusCode() + ")";
    }

    /** @return {@code ": <AWS's message>"}, shortened, or nothing when AWS sent none */
    static String awsMessage(AwsServiceException e) {
        String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        if (message == null || message.isBlank()) {
            return "";
        }
        message = message.strip().replaceAll("\\.+$", "");
        return ": " + (message.length() > MAX_AWS_MESSAGE ? message.substring(0, MAX_AWS_MESSAGE) + "..." : message);
    }

    /** @return {@code "<prefix>after <n> attempts"} when the SDK counted more than one attempt, else nothing */
    private static String attempts(SdkException e, String prefix) {
        Integer attempts = e.numAttempts();
        return attempts != null && attempts > 1 ? prefix + "after " + attempts + " attempts" : "";
    }

    /** @return {@code " (<n> s<suffix>)"}: the call or attempt timeout in effect, or nothing without them */
    private static String seconds(CallTimeouts timeouts, boolean call, String suffix) {
        if (timeouts == null) {
            return "";
        }
        return " (" + (call ? timeouts.apiCall() : timeouts.attempt()).toSeconds() + " s" + suffix + ")";
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        return find(e, type) != null;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
