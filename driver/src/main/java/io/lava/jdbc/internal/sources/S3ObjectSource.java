package io.lava.jdbc.internal.sources;

import io.lava.jdbc.internal.aws.AwsClientRegistry;
import io.lava.jdbc.internal.aws.AwsClients;
import io.lava.jdbc.internal.aws.AwsFailures;
import io.lava.jdbc.internal.aws.ConnectRetryStrategy;
import io.lava.jdbc.LavaPgProperty;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.CallTimeouts;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Amazon S3 {@code GetObject}, for a CA bundle named by an {@code s3://<bucket>/<key>} URI in a record's
 * {@code ssl_ca_file} (lava 8.3 downloads such bundles to a local file first), with the connect's AWS region, profile
 * and endpoint ({@code awsEndpointUrl}, else the SDK's {@code AWS_ENDPOINT_URL_S3} / {@code AWS_ENDPOINT_URL}).
 *
 * <p>Bounded: an object whose {@code Content-Length} is above the limit is refused before its body is read, and the
 * body is read at most one byte past the limit (an answer without a length, or a longer one than it said, is refused
 * too). The read runs inside the SDK call, so {@code awsApiCallTimeout} and {@code awsApiCallAttemptTimeout} bound it
 * with the rest of the call; a refusal found while reading is not retried.
 *
 * @param aws the engine's clients, looked up per call
 * @param scope region, profile and endpoint
 */
public record S3ObjectSource(AwsClientRegistry aws, AwsClients.Scope scope) {

    /** The IAM permissions a GetObject of a CA bundle needs, named in "was denied" messages. */
    static final String PERMISSION = "s3:GetObject on the object (and kms:Decrypt on its key when it is encrypted "
            + "with SSE-KMS)";

    /** How the names of directory buckets (S3 Express One Zone) end (Amazon S3 User Guide, "Directory buckets"). */
    static final String DIRECTORY_BUCKET_SUFFIX = "--x-s3";

    /**
     * A parsed {@code s3://} URI.
     *
     * @param bucket the bucket name: the text between {@code s3://} and the first {@code /}
     * @param key the object key: everything after that {@code /}, as written (not percent-decoded, as lava's boto3
     *     call takes it)
     */
    public record Location(String bucket, String key) {
        /**
         * @param uri {@code s3://<bucket>/<key>}, the scheme in any case
         * @return bucket and key
         * @throws SourceException 08001 when the bucket or the key is missing; 0A000 for a directory bucket
         */
        public static Location parse(String uri) {
            String rest = uri.substring("s3://".length());
            int slash = rest.indexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                throw new SourceException(Errors.UNABLE_TO_CONNECT, "the record's ssl_ca_file " + uri + " is not "
                        + "s3://<bucket>/<key>. Name the bucket and the object key of the CA bundle");
            }
            String bucket = rest.substring(0, slash);
            if (bucket.endsWith(DIRECTORY_BUCKET_SUFFIX)) {
                throw new SourceException(Errors.NOT_SUPPORTED, "the record's ssl_ca_file " + uri + " is in a "
                        + "directory bucket (S3 Express One Zone, name ending " + DIRECTORY_BUCKET_SUFFIX + "), which "
                        + "lava-pg does not read. Put the CA bundle in a general purpose bucket");
            }
            return new Location(bucket, rest.substring(slash + 1));
        }
    }

    /**
     * @param uri the record's {@code s3://<bucket>/<key>}
     * @param maxBytes the largest object accepted, in bytes
     * @param timeouts the call's limits ({@code awsApiCallTimeout}, {@code awsApiCallAttemptTimeout})
     * @return the object's bytes, at most {@code maxBytes}
     * @throws SourceException 0A000 for a directory bucket (S3 Express One Zone); 08001 for a malformed URI, a missing bucket ({@code NoSuchBucket}) or key
     *     ({@code NoSuchKey}), an object above {@code maxBytes}, and every failure {@link AwsFailures} gives 08001;
     *     28000 when S3 or KMS denies the call ({@code AccessDenied}, bad credentials)
     */
    public byte[] get(String uri, int maxBytes, CallTimeouts timeouts) {
        Location location = Location.parse(uri);
        String call = "S3 GetObject " + uri + " (the record's ssl_ca_file)";
        try {
            return ConnectRetryStrategy.call(timeouts, () -> aws.clients(scope).s3().getObject(b -> b
                    .bucket(location.bucket()).key(location.key())
                    .overrideConfiguration(timeouts::applyTo), bounded(uri, maxBytes)));
        } catch (NoSuchKeyException e) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "the CA bundle " + uri + " (the record's "
                    + "ssl_ca_file) does not exist: bucket '" + location.bucket() + "' has no key '" + location.key()
                    + "' (NoSuchKey, " + scope.region() + "). Upload the bundle there or fix ssl_ca_file", e);
        } catch (NoSuchBucketException e) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "the CA bundle " + uri + " (the record's "
                    + "ssl_ca_file) does not exist: there is no bucket '" + location.bucket() + "' (NoSuchBucket). "
                    + "Fix the bucket name in ssl_ca_file", e);
        } catch (SdkException e) {
            SourceException refused = refusal(e);
            if (refused != null) {
                throw refused;
            }
            throw AwsFailures.of(e, call, PERMISSION, LavaPgProperty.RECORD_TTL, timeouts);
        }
    }

    /** Reads the body only when its length is known and within {@code maxBytes}, and then at most that much. */
    private static ResponseTransformer<GetObjectResponse, byte[]> bounded(String uri, int maxBytes) {
        return (response, in) -> {
            Long length = response.contentLength();
            if (length != null && length > maxBytes) {
                throw tooLarge(uri, maxBytes, length + " bytes");
            }
            byte[] body = in.readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                throw tooLarge(uri, maxBytes, "more than " + maxBytes + " bytes");
            }
            return body;
        };
    }

    private static SourceException tooLarge(String uri, int maxBytes, String size) {
        return new SourceException(Errors.UNABLE_TO_CONNECT, "the CA bundle " + uri + " (the record's ssl_ca_file) "
                + "is " + size + ", larger than " + maxBytes + " bytes; a CA bundle is far smaller. Check the URI");
    }

    /** @return the driver's own refusal from inside the transformer (the SDK wraps it), else {@code null} */
    private static SourceException refusal(SdkException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SourceException source) {
                return source;
            }
        }
        return null;
    }
}
