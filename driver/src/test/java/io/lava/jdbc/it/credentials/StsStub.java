package io.lava.jdbc.it.credentials;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;

/**
 * AWS STS over the query protocol (form-encoded POST, XML answer), as the SDK's web-identity and assume-role
 * credential providers call it: {@code AssumeRoleWithWebIdentity} (unsigned) answers {@link #WEB_IDENTITY_KEY};
 * {@code AssumeRole} answers {@link #ASSUMED_ROLE_KEY} when SigV4-signed for {@code sts}. Point the SDK at it with
 * {@code AWS_ENDPOINT_URL_STS}.
 */
public final class StsStub implements AutoCloseable {
    /** Access key id of the session credentials {@code AssumeRoleWithWebIdentity} returns. */
    public static final String WEB_IDENTITY_KEY = "ASIALAVAWEBIDENTITY";
    /** Access key id of the session credentials {@code AssumeRole} returns. */
    public static final String ASSUMED_ROLE_KEY = "ASIALAVAASSUMEDROLE";

    private final WireMockServer server = new WireMockServer(wireMockConfig()
            .bindAddress("127.0.0.1")
            .dynamicPort()
            .gzipDisabled(true)
            .usingFilesUnderClasspath("io/lava/jdbc/testing/no-wiremock-files"));

    public StsStub() {
        server.start();
        server.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=AssumeRoleWithWebIdentity"))
                .willReturn(xml(credentials("AssumeRoleWithWebIdentity", WEB_IDENTITY_KEY,
                        "<SubjectFromWebIdentityToken>system:serviceaccount:lava:etl</SubjectFromWebIdentityToken>"))));
        server.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=AssumeRole&"))
                .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=[^/]+/\\d{8}/[a-z0-9-]+/sts/.*"))
                .willReturn(xml(credentials("AssumeRole", ASSUMED_ROLE_KEY, ""))));
    }

    /** @return {@code http://127.0.0.1:<port>} */
    public String endpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    /** @return the requests received for one STS action, e.g. {@code AssumeRoleWithWebIdentity} */
    public List<LoggedRequest> requests(String action) {
        return server.findAll(postRequestedFor(urlEqualTo("/"))
                .withRequestBody(containing("Action=" + action + "&")));
    }

    /** @return every request received */
    public List<LoggedRequest> all() {
        return server.findAll(RequestPatternBuilder.allRequests());
    }

    @Override
    public void close() {
        server.stop();
    }

    private static String credentials(String action, String accessKeyId, String extra) {
        return "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<" + action + "Result>" + extra
                + "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/lava-etl/lava-cli</Arn>"
                + "<AssumedRoleId>AROALAVATEST:lava-cli</AssumedRoleId></AssumedRoleUser>"
                + "<Credentials><AccessKeyId>" + accessKeyId + "</AccessKeyId>"
                + "<SecretAccessKey>sts-test-secret-key</SecretAccessKey>"
                + "<SessionToken>sts-test-session-token</SessionToken>"
                + "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
                + "</" + action + "Result>"
                + "<ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>"
                + "</" + action + "Response>";
    }

    private static ResponseDefinitionBuilder xml(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody(body);
    }
}
