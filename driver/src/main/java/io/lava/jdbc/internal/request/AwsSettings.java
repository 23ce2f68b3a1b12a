package io.lava.jdbc.internal.request;

import io.lava.jdbc.LavaPgProperty;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * AWS settings as the user gave them ({@code awsRegion}, {@code awsProfile}, {@code awsEndpointUrl}); each may be
 * {@code null}, meaning "the SDK's default chain". {@link io.lava.jdbc.internal.aws.AwsClientRegistry#scope} resolves them once per engine.
 * Per-call time limits are not settings of the clients: {@link CallTimeouts}.
 *
 * @param region region id such as {@code eu-west-1}, or {@code null}
 * @param profile named profile, or {@code null}
 * @param endpointUrl endpoint for every service, or {@code null}
 */
public record AwsSettings(String region, String profile, String endpointUrl) {

    /** Settings with a different region, the rest unchanged. */
    public AwsSettings withRegion(String newRegion) {
        return new AwsSettings(newRegion, profile, endpointUrl);
    }

    /** @throws SourceException (08001) when {@code endpointUrl} is not an absolute http(s) URL */
    public void validate() {
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
