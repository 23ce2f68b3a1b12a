package io.lava.jdbc.internal.request;

import io.lava.jdbc.LavaPgProperty;
import java.time.Duration;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;

/**
 * The time limits of one AWS API call, carried with the call (the request's override configuration), not in the
 * client: pools that differ only in {@code loginTimeout} share their AWS clients and cache entries.
 *
 * @param apiCall time allowed for the whole call, retries and back-off included ({@code awsApiCallTimeout}, capped by
 *     {@code loginTimeout})
 * @param attempt time allowed for one attempt ({@code awsApiCallAttemptTimeout}, at most {@code apiCall})
 */
public record CallTimeouts(Duration apiCall, Duration attempt) {

    /** The defaults of {@link LavaPgProperty#AWS_API_CALL_TIMEOUT} and {@link LavaPgProperty#AWS_API_CALL_ATTEMPT_TIMEOUT}. */
    public static final CallTimeouts DEFAULT = new CallTimeouts(
            Duration.ofSeconds(Long.parseLong(LavaPgProperty.AWS_API_CALL_TIMEOUT.getDefaultValue())),
            Duration.ofSeconds(Long.parseLong(LavaPgProperty.AWS_API_CALL_ATTEMPT_TIMEOUT.getDefaultValue())));

    /**
     * Sets both limits on a request (AWS SDK: {@code RequestOverrideConfiguration.apiCallTimeout} and
     * {@code apiCallAttemptTimeout}).
     *
     * @param request the request's override configuration builder
     */
    public void applyTo(AwsRequestOverrideConfiguration.Builder request) {
        request.apiCallTimeout(apiCall).apiCallAttemptTimeout(attempt);
    }
}
