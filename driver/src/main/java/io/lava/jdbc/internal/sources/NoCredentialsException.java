package io.lava.jdbc.internal.sources;

import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The credentials provider of {@link AwsClientRegistry#credentials} could not supply AWS credentials: none configured, a
 * profile without any, a role that could not be assumed. Its own exception is the cause. Lets {@link AwsFailures}
 * recognise the failure by its type wherever the SDK reports it.
 */
final public class NoCredentialsException extends SdkClientException {
    private static final long serialVersionUID = 1L;

    /** @param cause what the provider threw */
    public NoCredentialsException(RuntimeException cause) {
        super(SdkClientException.builder().message("no AWS credentials could be resolved").cause(cause));
    }
}
