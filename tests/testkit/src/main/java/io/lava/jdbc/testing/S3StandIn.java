package io.lava.jdbc.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Amazon S3 {@code GetObject} on {@link LocalAws}'s WireMock server, path-style ({@code GET /<bucket>/<key>}, as SDK
 * clients send it with {@code forcePathStyle} or to an IP-address endpoint), in every region.
 *
 * <p>Only requests whose SigV4 {@code Authorization} header is for service {@code s3} and that carry
 * {@code x-amz-content-sha256} (S3 requires both) are answered from the objects put here. The errors are S3's own XML
 * ({@code <Error><Code>...</Code><Message>...</Message>...</Error>}, {@code application/xml}): {@code NoSuchKey} (404)
 * for an unknown key in a bucket that exists, {@code NoSuchBucket} (404) for any other bucket, {@code AccessDenied}
 * (403) for an object {@link #denyObject denied} here or an unsigned request, and {@code AuthorizationHeaderMalformed}
 * (400) for a signature of another service. This class does not depend on JUnit.
 */
public final class S3StandIn {
    private static final int OBJECT = AwsJsonStubs.SPECIFIC;
    private static final int NO_SUCH_KEY = AwsJsonStubs.NOT_FOUND;
    private static final int NO_SUCH_BUCKET = AwsJsonStubs.NOT_FOUND + 1;
    private static final int OTHER_SERVICE = AwsJsonStubs.MALFORMED - 1;
    private static final int UNSIGNED = AwsJsonStubs.MALFORMED;
    private static final String SIGNED_FOR_S3 = "AWS4-HMAC-SHA256 Credential=[^/]+/\\d{8}/[a-z0-9-]+/s3/aws4_request, "
            + "SignedHeaders=.*, Signature=[0-9a-f]{64}";

    private final WireMockServer wireMock;
    private final Map<String, UUID> stubs = new ConcurrentHashMap<>();

    S3StandIn(WireMockServer wireMock) {
        this.wireMock = wireMock;
        wireMock.stubFor(signed(get(anyUrl())).atPriority(NO_SUCH_BUCKET)
                .willReturn(error(404, "NoSuchBucket", "The specified bucket does not exist")));
        wireMock.stubFor(get(anyUrl()).withHeader("Authorization", matching(".+")).atPriority(OTHER_SERVICE)
                .willReturn(error(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; "
                        + "this endpoint belongs to \"s3\"")));
        wireMock.stubFor(get(anyUrl()).atPriority(UNSIGNED)
                .willReturn(error(403, "AccessDenied", "Access Denied")));
    }

    /** Makes a bucket exist (without objects): its unknown keys answer {@code NoSuchKey}. Idempotent. */
    public void createBucket(String bucket) {
        replace("bucket:" + bucket, signed(get(urlPathMatching("/" + Pattern.quote(bucket) + "/.+")))
                .atPriority(NO_SUCH_KEY).willReturn(error(404, "NoSuchKey", "The specified key does not exist.")));
    }

    /**
     * Serves an object (creating its bucket); replaces an earlier object or denial of the same key.
     *
     * @param bucket the bucket
     * @param key the key, of characters that need no percent-encoding in a path (letters, digits, {@code /-._})
     * @param body the object's bytes, sent with {@code Content-Length}
     */
    public void putObject(String bucket, String key, byte[] body) {
        createBucket(bucket);
        replace("object:" + bucket + "/" + key, signed(get(urlPathEqualTo(path(bucket, key)))).atPriority(OBJECT)
                .willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/x-pem-file")
                        .withHeader("Content-Length", String.valueOf(body.length))
                        .withHeader("ETag", "\"" + md5(body) + "\"")
                        .withHeader("Last-Modified", "Tue, 01 Dec 2026 12:00:00 GMT")
                        .withHeader("x-amz-request-id", "LAVATESTS3")
                        .withBody(body.clone())));
    }

    /**
     * Answers {@code GetObject} of one key with {@code AccessDenied} (403), as S3 does when the policy or the object's
     * KMS key refuses the caller; replaces an earlier object of the key.
     */
    public void denyObject(String bucket, String key) {
        createBucket(bucket);
        replace("object:" + bucket + "/" + key, get(urlPathEqualTo(path(bucket, key))).atPriority(OBJECT)
                .willReturn(error(403, "AccessDenied", "User: arn:aws:iam::123456789012:user/lava-test is not "
                        + "authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::" + bucket + "/" + key
                        + "\" because no identity-based policy allows the s3:GetObject action")));
    }

    /** Deletes an object (or a denial of its key): its bucket then answers {@code NoSuchKey} for it. Idempotent. */
    public void deleteObject(String bucket, String key) {
        UUID previous = stubs.remove("object:" + bucket + "/" + key);
        if (previous != null) {
            wireMock.removeStub(previous);
        }
    }

    /** @return how many {@code GET /<bucket>/<key>} requests arrived, whatever their answer */
    public int getObjectCalls(String bucket, String key) {
        return wireMock.findAll(getRequestedFor(urlPathEqualTo(path(bucket, key)))).size();
    }

    /** @return {@code s3://<bucket>/<key>} */
    public static String uri(String bucket, String key) {
        return "s3://" + bucket + "/" + key;
    }

    private static String path(String bucket, String key) {
        return "/" + Objects.requireNonNull(bucket, "bucket") + "/" + Objects.requireNonNull(key, "key");
    }

    private static MappingBuilder signed(MappingBuilder request) {
        return request.withHeader("Authorization", matching(SIGNED_FOR_S3))
                .withHeader("x-amz-content-sha256", matching(".+"));
    }

    private synchronized void replace(String name, MappingBuilder stub) {
        UUID previous = stubs.put(name, wireMock.stubFor(stub).getId());
        if (previous != null) {
            wireMock.removeStub(previous);
        }
    }

    private static ResponseDefinitionBuilder error(int status, String code, String message) {
        return aResponse().withStatus(status)
                .withHeader("Content-Type", "application/xml")
                .withHeader("x-amz-request-id", "LAVATESTS3")
                .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>"
                        + message.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;")
                        + "</Message><RequestId>LAVATESTS3</RequestId><HostId>lava-test</HostId></Error>");
    }

    private static String md5(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
