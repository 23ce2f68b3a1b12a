package io.lava.jdbc;

import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns an AWS SDK failure into a {@link SourceException} with an SQLState and a hint. */
final class AwsFailures {
    /** Error codes that mean the AWS identity may not do this (SQLState 28000). */
    private static final Set<String> DENIED = Set.of("AccessDeniedException", "AccessDenied",
            "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException",
            "InvalidClientTokenId", "KMSAccessDeniedException", "KMS.AccessDeniedException",
            "KMS.KMSAccessDeniedException", "DecryptionFailure", "KMS.DisabledException", "KMS.InvalidStateException",
            "KMS.KMSInvalidStateException", "InvalidKeyId");

    private AwsFailures() {
    }

    /**
     * @param e the SDK exception
     * @param call the call that failed, e.g. {@code "SSM GetParameter '/lava/prod/pw'"}
     * @param permission the IAM permission it needs, e.g. {@code "ssm:GetParameter and kms:Decrypt"}
     * @return a failure with SQLState 28000 for access/decryption errors, else 08001
     */
    static SourceException of(SdkException e, String call, String permission) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            String code = service.awsErrorDetails().errorCode();
            String detail = call + " failed: " + code + " (HTTP " + service.statusCode() + ")";
            if (code != null && DENIED.contains(code)) {
                return new SourceException(Errors.INVALID_AUTHORIZATION, detail + ". The AWS identity needs "
                        + permission + " on this resource (and the KMS key)", e);
            }
            return new SourceException(Errors.UNABLE_TO_CONNECT, detail + ". Retry later; if it persists, check "
                    + "the AWS service health, region and endpoint", e);
        }
        if (e instanceof SdkClientException && e.getMessage() != null && e.getMessage().contains("credentials")) {
            return new SourceException(Errors.UNABLE_TO_CONNECT, call + " failed: no AWS credentials. Configure the "
                    + "AWS SDK default credentials chain (environment, profile via awsProfile, instance/task role)", e);
        }
        return new SourceException(Errors.UNABLE_TO_CONNECT, call + " failed: " + e.getMessage()
                + ". Check the network, the region and the endpoint (awsEndpointUrl / AWS_ENDPOINT_URL)", e);
    }
}
