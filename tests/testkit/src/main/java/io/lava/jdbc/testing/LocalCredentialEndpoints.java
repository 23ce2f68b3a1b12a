package io.lava.jdbc.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;

/**
 * Local stand-ins, over real HTTP on one loopback port, for every service an AWS credentials provider of the SDK
 * calls, each answering as AWS does and checking what AWS checks:
 * <ul>
 *   <li>the IAM Identity Center portal: {@code GetRoleCredentials} ({@code GET /federation/credentials}) answers the
 *       role's keys only with the {@code x-amz-sso_bearer_token} of {@link #SSO_TOKEN} or {@link #SSO_REFRESHED_TOKEN},
 *       else {@code UnauthorizedException} (401); point the SDK at it with {@code AWS_ENDPOINT_URL_SSO};
 *   <li>SSO OIDC: {@code CreateToken} ({@code POST /token}) with grant type {@code refresh_token} and
 *       {@link #SSO_REFRESH_TOKEN} answers {@link #SSO_REFRESHED_TOKEN}; any other refresh token gets
 *       {@code InvalidGrantException}; {@code AWS_ENDPOINT_URL_SSO_OIDC};
 *   <li>the AWS sign-in service: {@code CreateOAuth2Token} ({@code POST /v1/token}) with a {@code DPoP} proof, grant
 *       type {@code refresh_token} and {@link #LOGIN_REFRESH_TOKEN} answers {@link #LOGIN_REFRESHED_KEY}; else
 *       {@code AccessDeniedException}; {@code AWS_ENDPOINT_URL_SIGNIN};
 *   <li>STS over the query protocol: {@code AssumeRoleWithWebIdentity} (unsigned) answers {@link #WEB_IDENTITY_KEY},
 *       {@code AssumeRole} (SigV4-signed for {@code sts}) {@link #ASSUMED_ROLE_KEY}; either refuses the role
 *       {@link #DENIED_ROLE} with {@code AccessDenied} (403); {@code AWS_ENDPOINT_URL_STS};
 *   <li>container credentials: {@code GET /ecs/credentials} (ECS, {@code AWS_CONTAINER_SERVICE_ENDPOINT} plus
 *       {@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/ecs/credentials}) answers {@link #ECS_KEY}; {@code GET
 *       /pod/credentials} (EKS Pod Identity, {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}) answers {@link #POD_KEY} only
 *       with the {@code Authorization} of {@link #POD_TOKEN}, else 401;
 *   <li>sign-ins that begin and end while a test runs: {@link #acceptSsoToken}, {@link #revokeSsoToken},
 *       {@link #acceptLoginRefreshToken}, {@link #revokeLoginRefreshToken};
 *   <li>EC2 instance metadata, IMDSv2: {@code PUT /latest/api/token} then {@code GET
 *       /latest/meta-data/iam/security-credentials/[role]} with that token answer {@link #IMDS_KEY};
 *       {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}.
 * </ul>
 * Every source answers a distinct access key id, so that a test tells by the SigV4 {@code Credential=} of a later
 * request which source signed it. This class does not depend on JUnit.
 */
public final class LocalCredentialEndpoints implements AutoCloseable {
    /** The access token of a signed-in {@code sso_session} (or legacy {@code sso_start_url}) cache file. */
    public static final String SSO_TOKEN = "sso-access-token";
    /** The refresh token SSO OIDC accepts. */
    public static final String SSO_REFRESH_TOKEN = "sso-refresh-token";
    /** The access token SSO OIDC's {@code CreateToken} answers. */
    public static final String SSO_REFRESHED_TOKEN = "sso-refreshed-access-token";
    /** The refresh token the sign-in service accepts. */
    public static final String LOGIN_REFRESH_TOKEN = "login-refresh-token";
    /** Access key id of the session credentials the sign-in service answers a refresh with. */
    public static final String LOGIN_REFRESHED_KEY = "ASIALAVALOGINREFRESHED";
    /** Access key id {@code AssumeRoleWithWebIdentity} answers. */
    public static final String WEB_IDENTITY_KEY = "ASIALAVAWEBIDENTITY";
    /** Access key id {@code AssumeRole} answers. */
    public static final String ASSUMED_ROLE_KEY = "ASIALAVAASSUMEDROLE";
    /** A role STS refuses to be assumed. */
    public static final String DENIED_ROLE = "arn:aws:iam::123456789012:role/lava-denied";
    /** Access key id of the ECS task role. */
    public static final String ECS_KEY = "ASIALAVAECSTASK";
    /** Access key id of the EKS Pod Identity role. */
    public static final String POD_KEY = "ASIALAVAEKSPOD";
    /** The authorization token the EKS Pod Identity agent accepts. */
    public static final String POD_TOKEN = "eks-pod-identity-token";
    /** Access key id of the EC2 instance profile. */
    public static final String IMDS_KEY = "ASIALAVAINSTANCE";
    /** The path, relative to the endpoint, of ECS container credentials. */
    public static final String ECS_PATH = "/ecs/credentials";
    /** The path, relative to the endpoint, of EKS Pod Identity credentials. */
    public static final String POD_PATH = "/pod/credentials";

    /** The {@code sso_account_id} the portal knows. */
    public static final String SSO_ACCOUNT = "123456789012";
    /** The {@code sso_role_name}s the portal gives that account; any other gets {@code ResourceNotFoundException}. */
    public static final List<String> SSO_ROLES = List.of("lava-dev", "lava-refreshed", "lava-legacy", "lava-chain");

    /**
     * The {@code sso_role_name} whose credentials are answered only for the access tokens of {@link #acceptSsoToken},
     * expiring 30 seconds after that call: inside the SDK's one-minute stale window, so the SDK asks the portal again
     * at each resolution (no more than once a second: the SDK keeps a value that arrives stale one second).
     */
    public static final String SSO_SHORT_ROLE = "lava-short";

    private static final String IMDS_TOKEN = "imds-session-token";
    /** Stubs added at run time, by the token they answer for, so that they can be removed. */
    private final java.util.Map<String, List<java.util.UUID>> runtime = new java.util.concurrent.ConcurrentHashMap<>();
    private static final String INSTANCE_ROLE = "lava-instance-role";
    private static final String EXPIRATION = "2099-01-01T00:00:00Z";

    private final WireMockServer server = new WireMockServer(wireMockConfig()
            .bindAddress(Net.LOOPBACK)
            .dynamicPort()
            .gzipDisabled(true)
            .usingFilesUnderClasspath("io/lava/jdbc/testing/no-wiremock-files"));

    /** Starts the server on a free loopback port. */
    public LocalCredentialEndpoints() {
        server.start();
        sso();
        ssoOidc();
        signin();
        sts();
        containers();
        imds();
    }

    /**
     * @param role one of {@link #SSO_ROLES}
     * @return the access key id {@code GetRoleCredentials} answers for that role: {@code ASIALAVASSO<ROLE>}
     */
    public static String ssoKey(String role) {
        return "ASIALAVASSO" + role.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "");
    }

    /** @return {@code http://127.0.0.1:<port>} */
    public String endpoint() {
        return "http://" + Net.LOOPBACK + ":" + server.port();
    }

    /** @return every request received whose path starts with {@code path}, e.g. {@code /token} */
    public List<LoggedRequest> requests(String path) {
        return server.findAll(RequestPatternBuilder.allRequests()).stream()
                .filter(r -> r.getUrl().startsWith(path)).toList();
    }

    @Override
    public void close() {
        server.stop();
    }

    // ---- sign-ins that begin and end while a test runs ----------------------------------------------------------

    /**
     * Signs in at the portal: from now on {@code GetRoleCredentials} with the bearer token {@code accessToken} answers
     * {@link #SSO_SHORT_ROLE}'s credentials, access key id {@code accessKeyId}, expiring in 30 seconds.
     */
    public void acceptSsoToken(String accessToken, String accessKeyId) {
        forget(accessToken);
        long expiration = System.currentTimeMillis() + 30_000;
        add(accessToken, get(urlPathEqualTo("/federation/credentials")).atPriority(2)
                .withHeader("x-amz-sso_bearer_token", equalTo(accessToken))
                .withQueryParam("account_id", equalTo(SSO_ACCOUNT))
                .withQueryParam("role_name", equalTo(SSO_SHORT_ROLE))
                .willReturn(json(200, "{\"roleCredentials\":{\"accessKeyId\":\"" + accessKeyId + "\","
                        + "\"secretAccessKey\":\"sso-test-secret-key\",\"sessionToken\":\"sso-test-session\","
                        + "\"expiration\":" + expiration + "}}")));
    }

    /**
     * Ends the session of {@code accessToken} as IAM Identity Center does: the portal answers every
     * {@code GetRoleCredentials} with it {@code UnauthorizedException} (401).
     */
    public void revokeSsoToken(String accessToken) {
        forget(accessToken);
        add(accessToken, get(urlPathEqualTo("/federation/credentials")).atPriority(2)
                .withHeader("x-amz-sso_bearer_token", equalTo(accessToken))
                .willReturn(json(401, "{\"message\":\"Session token not found or invalid\"}")
                        .withHeader("x-amzn-ErrorType", "UnauthorizedException")));
    }

    /**
     * From now on the sign-in service's {@code CreateOAuth2Token} refreshes {@code refreshToken} (with a DPoP proof)
     * into credentials with access key id {@code accessKeyId} that expire in 30 seconds (inside the SDK's one-minute
     * stale window, so it refreshes at each resolution, at most once a second), and the same refresh token.
     */
    public void acceptLoginRefreshToken(String refreshToken, String accessKeyId) {
        forget(refreshToken);
        add(refreshToken, post(urlEqualTo("/v1/token")).atPriority(2)
                .withHeader("DPoP", matching("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"))
                .withRequestBody(equalToJson("{\"grantType\":\"refresh_token\",\"refreshToken\":\"" + refreshToken
                        + "\"}", true, true))
                .willReturn(json(200, "{\"accessToken\":{\"accessKeyId\":\"" + accessKeyId + "\","
                        + "\"secretAccessKey\":\"login-test-secret-key\",\"sessionToken\":\"login-test-session\"},"
                        + "\"tokenType\":\"aws_sigv4\",\"expiresIn\":30,\"refreshToken\":\"" + refreshToken
                        + "\"}")));
    }

    /** Ends a console sign-in: {@code refreshToken} gets {@code AccessDeniedException} from now on. */
    public void revokeLoginRefreshToken(String refreshToken) {
        forget(refreshToken);
    }

    private void add(String token, com.github.tomakehurst.wiremock.client.MappingBuilder stub) {
        runtime.computeIfAbsent(token, t -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(server.stubFor(stub).getId());
    }

    private void forget(String token) {
        List<java.util.UUID> ids = runtime.remove(token);
        if (ids != null) {
            ids.forEach(id -> server.removeStub(server.getSingleStubMapping(id)));
        }
    }

    private void sso() {
        server.stubFor(get(urlPathEqualTo("/federation/credentials")).atPriority(9)
                .willReturn(json(401, "{\"message\":\"Session token not found or invalid\"}")
                        .withHeader("x-amzn-ErrorType", "UnauthorizedException")));
        for (String token : List.of(SSO_TOKEN, SSO_REFRESHED_TOKEN)) {
            server.stubFor(get(urlPathEqualTo("/federation/credentials")).atPriority(5)
                    .withHeader("x-amz-sso_bearer_token", equalTo(token))
                    .willReturn(json(404, "{\"message\":\"No access\"}")
                            .withHeader("x-amzn-ErrorType", "ResourceNotFoundException")));
            for (String role : SSO_ROLES) {
                server.stubFor(get(urlPathEqualTo("/federation/credentials")).atPriority(1)
                        .withHeader("x-amz-sso_bearer_token", equalTo(token))
                        .withQueryParam("account_id", equalTo(SSO_ACCOUNT))
                        .withQueryParam("role_name", equalTo(role))
                        .willReturn(json(200, "{\"roleCredentials\":{\"accessKeyId\":\"" + ssoKey(role) + "\","
                                + "\"secretAccessKey\":\"sso-test-secret-key\",\"sessionToken\":\"sso-test-session\","
                                + "\"expiration\":4070908800000}}")));
            }
        }
    }

    private void ssoOidc() {
        server.stubFor(post(urlEqualTo("/token")).atPriority(9)
                .willReturn(json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid refresh token "
                        + "provided\"}").withHeader("x-amzn-ErrorType", "InvalidGrantException")));
        server.stubFor(post(urlEqualTo("/token")).atPriority(1)
                .withRequestBody(equalToJson("{\"grantType\":\"refresh_token\",\"refreshToken\":\"" + SSO_REFRESH_TOKEN
                        + "\"}", true, true))
                .willReturn(json(200, "{\"accessToken\":\"" + SSO_REFRESHED_TOKEN + "\",\"tokenType\":\"Bearer\","
                        + "\"expiresIn\":3600,\"refreshToken\":\"" + SSO_REFRESH_TOKEN + "\"}")));
    }

    private void signin() {
        server.stubFor(post(urlEqualTo("/v1/token")).atPriority(9)
                .willReturn(json(400, "{\"error\":\"AUTHCODE_EXPIRED\",\"message\":\"The refresh token expired\"}")
                        .withHeader("x-amzn-ErrorType", "AccessDeniedException")));
        server.stubFor(post(urlEqualTo("/v1/token")).atPriority(1)
                .withHeader("DPoP", matching("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"))
                .withRequestBody(equalToJson("{\"grantType\":\"refresh_token\",\"refreshToken\":\""
                        + LOGIN_REFRESH_TOKEN + "\"}", true, true))
                .willReturn(json(200, "{\"accessToken\":{\"accessKeyId\":\"" + LOGIN_REFRESHED_KEY + "\","
                        + "\"secretAccessKey\":\"login-test-secret-key\",\"sessionToken\":\"login-test-session\"},"
                        + "\"tokenType\":\"aws_sigv4\",\"expiresIn\":900,\"refreshToken\":\"" + LOGIN_REFRESH_TOKEN
                        + "\"}")));
    }

    private void sts() {
        server.stubFor(post(urlEqualTo("/")).atPriority(1)
                .withRequestBody(containing("RoleArn=" + java.net.URLEncoder.encode(DENIED_ROLE,
                        java.nio.charset.StandardCharsets.UTF_8)))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "text/xml")
                        .withBody("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
                                + "<Type>Sender</Type><Code>AccessDenied</Code><Message>User: "
                                + "arn:aws:iam::123456789012:user/etl is not authorized to perform: sts:AssumeRole on "
                                + "resource: " + DENIED_ROLE + "</Message></Error>"
                                + "<RequestId>4c9a1c4e-0000-4000-8000-000000000000</RequestId></ErrorResponse>")));
        server.stubFor(post(urlEqualTo("/")).atPriority(5)
                .withRequestBody(containing("Action=AssumeRoleWithWebIdentity"))
                .withHeader("Authorization", absent())
                .willReturn(sts("AssumeRoleWithWebIdentity", WEB_IDENTITY_KEY)));
        server.stubFor(post(urlEqualTo("/")).atPriority(5)
                .withRequestBody(containing("Action=AssumeRole&"))
                .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=[^/]+/\\d{8}/[a-z0-9-]+/sts/.*"))
                .willReturn(sts("AssumeRole", ASSUMED_ROLE_KEY)));
    }

    private void containers() {
        server.stubFor(get(urlEqualTo(ECS_PATH)).willReturn(json(200, containerCredentials(ECS_KEY))));
        server.stubFor(get(urlEqualTo(POD_PATH)).atPriority(9)
                .willReturn(json(401, "{\"Message\":\"Unauthorized\"}")));
        server.stubFor(get(urlEqualTo(POD_PATH)).atPriority(1).withHeader("Authorization", equalTo(POD_TOKEN))
                .willReturn(json(200, containerCredentials(POD_KEY))));
    }

    private void imds() {
        server.stubFor(put(urlEqualTo("/latest/api/token"))
                .withHeader("x-aws-ec2-metadata-token-ttl-seconds", matching("\\d+"))
                .willReturn(aResponse().withStatus(200).withBody(IMDS_TOKEN)));
        String base = "/latest/meta-data/iam/security-credentials/";
        server.stubFor(get(urlEqualTo(base)).atPriority(9).willReturn(aResponse().withStatus(401)));
        server.stubFor(get(urlEqualTo(base + INSTANCE_ROLE)).atPriority(9).willReturn(aResponse().withStatus(401)));
        server.stubFor(get(urlEqualTo(base)).atPriority(1)
                .withHeader("x-aws-ec2-metadata-token", equalTo(IMDS_TOKEN))
                .willReturn(aResponse().withStatus(200).withBody(INSTANCE_ROLE)));
        server.stubFor(get(urlEqualTo(base + INSTANCE_ROLE)).atPriority(1)
                .withHeader("x-aws-ec2-metadata-token", equalTo(IMDS_TOKEN))
                .willReturn(json(200, "{\"Code\":\"Success\",\"LastUpdated\":\"2026-01-01T00:00:00Z\","
                        + "\"Type\":\"AWS-HMAC\"," + containerCredentials(IMDS_KEY).substring(1))));
    }

    private static String containerCredentials(String key) {
        return "{\"AccessKeyId\":\"" + key + "\",\"SecretAccessKey\":\"container-test-secret-key\","
                + "\"Token\":\"container-test-session\",\"Expiration\":\"" + EXPIRATION + "\"}";
    }

    private static ResponseDefinitionBuilder sts(String action, String key) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody(
                "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" + action + "Result>"
                        + "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/lava-etl/lava</Arn>"
                        + "<AssumedRoleId>AROALAVATEST:lava</AssumedRoleId></AssumedRoleUser>"
                        + "<Credentials><AccessKeyId>" + key + "</AccessKeyId>"
                        + "<SecretAccessKey>sts-test-secret-key</SecretAccessKey>"
                        + "<SessionToken>sts-test-session-token</SessionToken>"
                        + "<Expiration>" + EXPIRATION + "</Expiration></Credentials></" + action + "Result>"
                        + "<ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>"
                        + "</ResponseMetadata></" + action + "Response>");
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }
}
