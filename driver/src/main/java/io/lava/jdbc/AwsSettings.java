package io.lava.jdbc;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * AWS settings as the user gave them ({@code awsRegion}, {@code awsProfile}, {@code awsEndpointUrl}); each may be
 * {@code null}, meaning "the SDK's default chain". {@link AwsClients#forSettings} resolves them once.
 *
 * @param region region id such as {@code eu-west-1}, or {@code null}
 * @param profile named profile, or {@code null}
 * @param endpointUrl endpoint for every service, or {@code null}
 * @param apiCallTimeout time allowed for one API call, retries included
 * @param apiCallAttemptTimeout time allowed for one attempt (and its TCP connect)
 */
record AwsSettings(String region, String profile, String endpointUrl, Duration apiCallTimeout,
                   Duration apiCallAttemptTimeout) {

    /** The default of {@link LavaPgProperty#AWS_API_CALL_TIMEOUT}. */
    static final Duration DEFAULT_API_CALL_TIMEOUT =
            Duration.ofSeconds(Long.parseLong(LavaPgProperty.AWS_API_CALL_TIMEOUT.getDefaultValue()));
    /** The default of {@link LavaPgProperty#AWS_API_CALL_ATTEMPT_TIMEOUT}. */
    static final Duration DEFAULT_API_CALL_ATTEMPT_TIMEOUT =
            Duration.ofSeconds(Long.parseLong(LavaPgProperty.AWS_API_CALL_ATTEMPT_TIMEOUT.getDefaultValue()));

    /** Settings with a different region, the rest unchanged. */
    AwsSettings withRegion(String newRegion) {
        return new AwsSettings(newRegion, profile, endpointUrl, apiCallTimeout, apiCallAttemptTimeout);
    }

    /** @throws SourceException (08001) when {@code endpointUrl} is not an absolute http(s) URL */
    void validate() {
        if (endpointUrl == null) {
            return;
        }
        try {
            URI uri = new URI(endpointUrl);
            if (uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return;
            }
        } catch (URISyntaxException e) {
            // fall through
        }
        throw new SourceException(Errors.UNABLE_TO_CONNECT, "property " + LavaPgProperty.AWS_ENDPOINT_URL.getName()
                + "='" + endpointUrl + "' is not an absolute http:// or https:// URL. Fix the property, e.g. "
                + "http://localhost:4566");
    }
}
