package io.lava.jdbc.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.Json;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * WireMock stubs that speak the AWS JSON 1.1 protocol for SSM {@code GetParameter} and Secrets
 * Manager {@code GetSecretValue}.
 *
 * <p>Priorities (lower wins): a value or error registered for one name ({@link #SPECIFIC}); then,
 * for well-formed requests of unknown names, the service's not-found error ({@link #NOT_FOUND});
 * then, for anything else aimed at the operation (unsigned, or SSM without
 * {@code WithDecryption=true}), a {@code ValidationException} ({@link #MALFORMED}).
 */
final class AwsJsonStubs {

    static final String REGION = "us-east-1";
    static final String ACCOUNT = "123456789012";
    static final String GET_PARAMETER = "AmazonSSM.GetParameter";
    static final String GET_SECRET_VALUE = "secretsmanager.GetSecretValue";

    /** A fault injected with {@link LocalAws#fault}: wins over everything else. */
    static final int FAULT = 0;
    static final int SPECIFIC = 1;
    static final int NOT_FOUND = 5;
    static final int MALFORMED = 9;

    private static final String JSON_1_1 = "application/x-amz-json-1.1";
    private static final String TARGET = "X-Amz-Target";

    private AwsJsonStubs() {}

    // ---- SSM ------------------------------------------------------------------------------------

    static MappingBuilder parameter(String name, String value) {
        Map<String, Object> parameter = new LinkedHashMap<>();
        parameter.put("Name", name);
        parameter.put("Type", "SecureString");
        parameter.put("Value", value);
        parameter.put("Version", 1);
        parameter.put("ARN", "arn:aws:ssm:" + REGION + ":" + ACCOUNT + ":parameter"
                + (name.startsWith("/") ? "" : "/") + name);
        parameter.put("DataType", "text");
        return getParameter(name).willReturn(json(200, Map.of("Parameter", parameter)));
    }

    static MappingBuilder parameterError(String name, int status, String type, String message) {
        return getParameter(name).willReturn(error(status, type, "message", message));
    }

    static List<MappingBuilder> parameterFallbacks() {
        return List.of(
                signed("ssm", GET_PARAMETER)
                        .withRequestBody(equalToJson("{\"WithDecryption\": true}", false, true))
                        .atPriority(NOT_FOUND)
                        .willReturn(error(400, "ParameterNotFound", "message", "test stub: no such parameter")),
                post(urlEqualTo("/"))
                        .withHeader(TARGET, equalTo(GET_PARAMETER))
                        .atPriority(MALFORMED)
                        .willReturn(error(400, "ValidationException", "message",
                                "test stub: GetParameter must be signed (SigV4) and use WithDecryption=true")));
    }

    private static MappingBuilder getParameter(String name) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Name", name);
        body.put("WithDecryption", true);
        return signed("ssm", GET_PARAMETER)
                .withRequestBody(equalToJson(Json.write(body), false, true))
                .atPriority(SPECIFIC);
    }

    // ---- Secrets Manager ------------------------------------------------------------------------

    static MappingBuilder secret(String id, String secretString, byte[] secretBinary) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ARN", "arn:aws:secretsmanager:" + REGION + ":" + ACCOUNT + ":secret:" + id + "-AbCdEf");
        body.put("Name", id);
        body.put("VersionId", "v1");
        if (secretString != null) {
            body.put("SecretString", secretString);
        }
        if (secretBinary != null) {
            body.put("SecretBinary", Base64.getEncoder().encodeToString(secretBinary));
        }
        body.put("VersionStages", List.of("AWSCURRENT"));
        body.put("CreatedDate", 1.7E9);
        return getSecretValue(id).willReturn(json(200, body));
    }

    static MappingBuilder secretError(String id, int status, String type, String message) {
        return getSecretValue(id).willReturn(error(status, type, "Message", message));
    }

    static List<MappingBuilder> secretFallbacks() {
        return List.of(
                signed("secretsmanager", GET_SECRET_VALUE)
                        .atPriority(NOT_FOUND)
                        .willReturn(error(400, "ResourceNotFoundException", "Message",
                                "Secrets Manager can't find the specified secret.")),
                post(urlEqualTo("/"))
                        .withHeader(TARGET, equalTo(GET_SECRET_VALUE))
                        .atPriority(MALFORMED)
                        .willReturn(error(400, "ValidationException", "Message",
                                "test stub: GetSecretValue must be signed (SigV4)")));
    }

    private static MappingBuilder getSecretValue(String id) {
        return signed("secretsmanager", GET_SECRET_VALUE)
                .withRequestBody(equalToJson(Json.write(Map.of("SecretId", id)), false, true))
                .atPriority(SPECIFIC);
    }

    // ---- common ---------------------------------------------------------------------------------

    /** A POST of one operation carrying a SigV4 {@code Authorization} header for {@code service}. */
    private static MappingBuilder signed(String service, String target) {
        return post(urlEqualTo("/"))
                .withHeader(TARGET, equalTo(target))
                .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=[^/]+/\\d{8}/[a-z0-9-]+/"
                        + service + "/aws4_request, SignedHeaders=.*, Signature=[0-9a-f]{64}"));
    }

    private static ResponseDefinitionBuilder error(int status, String type, String messageField, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("__type", type);
        body.put(messageField, message);
        return json(status, body);
    }

    private static ResponseDefinitionBuilder json(int status, Object body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", JSON_1_1)
                .withBody(Json.write(body));
    }
}
