package io.lava.jdbc.internal.aws;

import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The credentials provider of {@link AwsClientRegistry#credentials} could not supply AWS credentials: none configured,
 * a profile that does not exist, a sign-in that expired, a role that could not be assumed. {@link CredentialFailures}
 * classifies the SDK's failure into it; its message says which source failed, for which profile, and what to do, and
 * the SDK's exception is its cause. Lets {@link AwsFailures} recognise the failure by its type wherever the SDK reports
 * it.
 */
final public class NoCredentialsException extends SdkClientException {
    private static final long serialVersionUID = 1L;

    private final String sqlState;

    /**
     * @param sqlState the SQLState the user gets ({@code 08001} or {@code 28000})
     * @param message what failed and what to do; never a key or token
     * @param cause what the provider threw
     */
    public NoCredentialsException(String sqlState, String message, RuntimeException cause) {
        super(SdkClientException.builder().message(message).cause(cause));
        this.sqlState = sqlState;
    }

    /** @return the SQLState the user gets */
    public String sqlState() {
        return sqlState;
    }
}
