package io.lava.jdbc.testing;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An in-memory DynamoDB that answers {@code GetItem} over the JSON 1.0 protocol, as a WireMock response transformer:
 * {@link LocalAws} binds it to a stub matching {@code X-Amz-Target: DynamoDB_20120810.*}, so its requests go through
 * WireMock's matching (a fault stub of higher priority wins) and journal (calls are counted).
 *
 * <p>Regions. Tables have the string hash key {@value LocalAws#CONN_ID} and live in regions, as in DynamoDB. The one
 * local endpoint stands for every region's endpoint: a request's region is the one in its SigV4 credential scope, and
 * a table is found only in the regions it was created or replicated in (replicas of a global table share their
 * items). A request signed for a region the table is not in gets {@code ResourceNotFoundException}, which is what
 * that region's DynamoDB would answer.
 *
 * <p>Signatures. No {@code Authorization} header: {@code MissingAuthenticationTokenException}. A header not of the
 * form {@code AWS4-HMAC-SHA256 Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request, SignedHeaders=<names>,
 * Signature=<64 hex digits>}, or no {@code X-Amz-Date}: {@code IncompleteSignatureException}. A scope for another
 * service than {@code dynamodb}, a scope date other than the {@code X-Amz-Date} day, or {@code SignedHeaders} without
 * {@code host}: {@code InvalidSignatureException}. The signature itself is not recomputed, so any access key is
 * accepted (the tests sign with the harness's keys, profiles' keys and keys issued by the STS stub).
 *
 * <p>Items are checked and stored as {@code PutItem} would: numbers in DynamoDB's canonical form (no leading or
 * trailing zeros, at most 38 digits), sets non-empty and without duplicates. Every operation other than
 * {@code GetItem} gets {@code UnknownOperationException}. Errors carry DynamoDB's {@code __type} and message; every
 * response has {@code Content-Type: application/x-amz-json-1.0}, an {@code x-amzn-RequestId} and the
 * {@code x-amz-crc32} of its body. Thread-safe.
 */
final class DynamoDbStandIn implements ResponseDefinitionTransformerV2 {

    /** The name the stub refers to the transformer by. */
    static final String NAME = "lava-dynamodb-stand-in";
    /** The {@code X-Amz-Target} prefix of every DynamoDB operation. */
    static final String TARGET_PREFIX = "DynamoDB_20120810.";

    private static final String CORAL = "com.amazon.coral.service#";
    private static final String VALIDATION = "com.amazon.coral.validate#ValidationException";
    private static final String DYNAMODB = "com.amazonaws.dynamodb.v20120810#";
    private static final String SCHEMA_MISMATCH = "The provided key element does not match the schema";
    private static final Pattern AUTHORIZATION = Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/,\\s]+)/(\\d{8})/"
            + "([a-z0-9-]+)/([a-z0-9-]+)/aws4_request,\\s*SignedHeaders=([a-z0-9;-]+),\\s*Signature=([0-9a-f]{64})");
    private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]+");
    private static final Pattern PROJECTED_NAME = Pattern.compile("#?[A-Za-z0-9_]+");
    private static final String REQUEST_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final Map<String, Table> tables = new ConcurrentHashMap<>();

    // ---- the harness's side: tables and items ---------------------------------------------------------------------

    /** Creates the table in {@code region} unless it is there, or adds {@code region} to its replicas. */
    void createTable(String name, String region) {
        List<String> problems = tableNameProblems(name);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(validationMessage(problems));
        }
        tables.computeIfAbsent(name, n -> new Table()).regions.add(Objects.requireNonNull(region, "region"));
    }

    /** Replaces the item with the same key; the item is checked and normalized as {@code PutItem} does. */
    void putItem(String table, Map<String, AttributeValue> item) {
        Map<String, AttributeValue> stored = new LinkedHashMap<>();
        item.forEach((name, value) -> {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("One or more parameter values were invalid: "
                        + "An attribute name in the item is empty");
            }
            stored.put(name, normalize(name, value));
        });
        AttributeValue key = stored.get(LocalAws.CONN_ID);
        if (key == null) {
            throw new IllegalArgumentException("One or more parameter values were invalid: Missing the key "
                    + LocalAws.CONN_ID + " in the item");
        }
        if (key.s() == null) {
            throw new IllegalArgumentException("One or more parameter values were invalid: Type mismatch for key "
                    + LocalAws.CONN_ID + " expected: S actual: " + typeName(key));
        }
        if (key.s().isEmpty()) {
            throw new IllegalArgumentException(emptyKeyMessage());
        }
        existing(table).items.put(key.s(), Collections.unmodifiableMap(stored));
    }

    /** Deletes the item with that key, if there is one. */
    void deleteItem(String table, String connId) {
        existing(table).items.remove(connId);
    }

    /** The {@code ConsistentRead} of every {@code GetItem} answered for the table, in order. */
    List<Boolean> consistentReads(String table) {
        Table t = tables.get(table);
        if (t == null) {
            return List.of();
        }
        synchronized (t.consistentReads) {
            return List.copyOf(t.consistentReads);
        }
    }

    /** Forgets the recorded {@code ConsistentRead} values; tables and items stay. */
    void resetReads() {
        tables.values().forEach(t -> {
            synchronized (t.consistentReads) {
                t.consistentReads.clear();
            }
        });
    }

    private Table existing(String table) {
        Table t = tables.get(table);
        if (t == null) {
            throw new IllegalArgumentException("Requested resource not found: table " + table
                    + " does not exist (create it first)");
        }
        return t;
    }

    // ---- the HTTP side --------------------------------------------------------------------------------------------

    @Override
    public String getName() {
        return NAME;
    }

    /** Only for the stub that names it. */
    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        try {
            return answer(serveEvent.getRequest());
        } catch (AwsError e) {
            return error(e);
        } catch (RuntimeException e) {
            return error(new AwsError(500, DYNAMODB + "InternalServerError", "stand-in failure: " + e));
        }
    }

    private ResponseDefinition answer(Request request) {
        String region = authenticate(request);
        String target = request.getHeader("X-Amz-Target");
        String operation = target == null ? "" : target.substring(TARGET_PREFIX.length());
        if (!operation.equals("GetItem")) {
            throw new AwsError(400, CORAL + "UnknownOperationException", null);
        }
        JsonNode body;
        try {
            body = JsonNode.parser().parse(request.getBody());
        } catch (RuntimeException e) {
            throw new AwsError(400, CORAL + "SerializationException", "Malformed JSON in the request body");
        }
        if (!body.isObject()) {
            throw new AwsError(400, CORAL + "SerializationException",
                    "Start of list found where not expected");
        }
        return ok(getItem(region, body));
    }

    /** Checks the SigV4 {@code Authorization} header; returns the region of its credential scope. */
    private static String authenticate(Request request) {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || authorization.isBlank()) {
            throw new AwsError(400, CORAL + "MissingAuthenticationTokenException",
                    "Request is missing Authentication Token");
        }
        Matcher m = AUTHORIZATION.matcher(authorization.trim());
        if (!m.matches()) {
            throw new AwsError(400, CORAL + "IncompleteSignatureException", "Authorization header requires "
                    + "'AWS4-HMAC-SHA256', 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        }
        String scopeDate = m.group(2);
        String region = m.group(3);
        String service = m.group(4);
        if (!service.equals("dynamodb")) {
            throw new AwsError(400, CORAL + "InvalidSignatureException",
                    "Credential should be scoped to correct service: 'dynamodb'. ");
        }
        String amzDate = request.getHeader("X-Amz-Date");
        if (amzDate == null) {
            throw new AwsError(400, CORAL + "IncompleteSignatureException",
                    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        if (!amzDate.startsWith(scopeDate)) {
            throw new AwsError(400, CORAL + "InvalidSignatureException", "Date in Credential scope does not match "
                    + "YYYYMMDD from ISO-8601 version of date from HTTP: '" + scopeDate + "' != '"
                    + amzDate.substring(0, Math.min(8, amzDate.length())) + "', from '" + amzDate + "'.");
        }
        if (!List.of(m.group(5).split(";")).contains("host")) {
            throw new AwsError(400, CORAL + "InvalidSignatureException",
                    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }
        return region;
    }

    private byte[] getItem(String region, JsonNode request) {
        Optional<JsonNode> tableName = request.field("TableName").filter(n -> !n.isNull());
        Optional<JsonNode> keyNode = request.field("Key").filter(n -> !n.isNull());
        List<String> problems = new ArrayList<>();
        if (tableName.isEmpty()) {
            problems.add("Value null at 'tableName' failed to satisfy constraint: Member must not be null");
        } else if (!tableName.get().isString()) {
            throw new AwsError(400, CORAL + "SerializationException", "TableName must be a string");
        } else {
            problems.addAll(tableNameProblems(tableName.get().asString()));
        }
        if (keyNode.isEmpty()) {
            problems.add("Value null at 'key' failed to satisfy constraint: Member must not be null");
        }
        if (!problems.isEmpty()) {
            throw new AwsError(400, VALIDATION, validationMessage(problems));
        }
        String name = tableName.get().asString();
        Table table = tables.get(name);
        if (table == null || !table.regions.contains(region)) {
            throw new AwsError(400, DYNAMODB + "ResourceNotFoundException", "Requested resource not found");
        }
        String connId = keyValue(keyNode.get());
        boolean consistent = request.field("ConsistentRead").filter(JsonNode::isBoolean)
                .map(JsonNode::asBoolean).orElse(false);
        Set<String> projection = projection(request);
        synchronized (table.consistentReads) {
            table.consistentReads.add(consistent);
        }
        Map<String, AttributeValue> item = table.items.get(connId);

        JsonWriter json = JsonWriter.create();
        json.writeStartObject();
        if (item != null) {
            json.writeFieldName("Item");
            json.writeStartObject();
            item.forEach((attribute, value) -> {
                if (projection == null || projection.contains(attribute)) {
                    json.writeFieldName(attribute);
                    write(json, value);
                }
            });
            json.writeEndObject();
        }
        String capacity = request.field("ReturnConsumedCapacity").filter(JsonNode::isString)
                .map(JsonNode::asString).orElse("NONE");
        if (!capacity.equals("NONE")) {
            double units = consistent ? 1.0 : 0.5;
            json.writeFieldName("ConsumedCapacity");
            json.writeStartObject();
            json.writeFieldName("TableName").writeValue(name);
            json.writeFieldName("CapacityUnits").writeValue(units);
            if (capacity.equals("INDEXES")) {
                json.writeFieldName("Table").writeStartObject();
                json.writeFieldName("CapacityUnits").writeValue(units);
                json.writeEndObject();
            }
            json.writeEndObject();
        }
        json.writeEndObject();
        return json.getBytes();
    }

    /** The {@value LocalAws#CONN_ID} of a {@code Key}, which must be exactly that one string attribute. */
    private static String keyValue(JsonNode key) {
        if (!key.isObject()) {
            throw new AwsError(400, CORAL + "SerializationException", "Key must be a map");
        }
        Map<String, JsonNode> attributes = key.asObject();
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        attributes.forEach((name, value) -> values.put(name, parse(value)));
        AttributeValue connId = values.get(LocalAws.CONN_ID);
        if (values.size() != 1 || connId == null || connId.s() == null) {
            throw new AwsError(400, VALIDATION, SCHEMA_MISMATCH);
        }
        if (connId.s().isEmpty()) {
            throw new AwsError(400, VALIDATION, emptyKeyMessage());
        }
        return connId.s();
    }

    /**
     * The attributes a {@code ProjectionExpression} (top-level names and {@code #name} placeholders) or the legacy
     * {@code AttributesToGet} asks for; {@code null} for all.
     */
    private static Set<String> projection(JsonNode request) {
        Optional<JsonNode> expression = request.field("ProjectionExpression").filter(n -> !n.isNull());
        Optional<JsonNode> legacy = request.field("AttributesToGet").filter(n -> !n.isNull());
        if (expression.isPresent() && legacy.isPresent()) {
            throw new AwsError(400, VALIDATION, "Can not use both expression and non-expression parameters in the "
                    + "same request: Non-expression parameters: {AttributesToGet} Expression parameters: "
                    + "{ProjectionExpression}");
        }
        if (legacy.isPresent()) {
            Set<String> names = new HashSet<>();
            legacy.get().asArray().forEach(n -> names.add(n.asString()));
            return names;
        }
        if (expression.isEmpty()) {
            return null;
        }
        Map<String, JsonNode> placeholders = request.field("ExpressionAttributeNames").filter(JsonNode::isObject)
                .map(JsonNode::asObject).orElse(Map.of());
        Set<String> names = new HashSet<>();
        for (String part : expression.get().asString().split(",")) {
            String path = part.trim();
            if (!PROJECTED_NAME.matcher(path).matches()) {
                throw new AwsError(400, VALIDATION, "Invalid ProjectionExpression: the local DynamoDB stand-in "
                        + "supports only top-level attribute names and #placeholders");
            }
            if (path.startsWith("#")) {
                JsonNode actual = placeholders.get(path);
                if (actual == null) {
                    throw new AwsError(400, VALIDATION, "Value provided in ExpressionAttributeNames unused in "
                            + "expressions: An expression attribute name used in the document path is not defined; "
                            + "attribute name: " + path);
                }
                path = actual.asString();
            }
            names.add(path);
        }
        return names;
    }

    // ---- attribute values -----------------------------------------------------------------------------------------

    /** A JSON attribute value ({@code {"S": "x"}}) as the SDK's type. */
    private static AttributeValue parse(JsonNode node) {
        if (!node.isObject()) {
            throw new AwsError(400, CORAL + "SerializationException", "An AttributeValue must be a map");
        }
        Map<String, JsonNode> fields = node.asObject();
        if (fields.isEmpty()) {
            throw new AwsError(400, VALIDATION, "Supplied AttributeValue is empty, must contain exactly one of the "
                    + "supported datatypes");
        }
        if (fields.size() > 1) {
            throw new AwsError(400, VALIDATION, "Supplied AttributeValue has more than one datatypes set, must "
                    + "contain exactly one of the supported datatypes");
        }
        Map.Entry<String, JsonNode> field = fields.entrySet().iterator().next();
        JsonNode v = field.getValue();
        try {
            switch (field.getKey()) {
                case "S":
                    return AttributeValue.fromS(v.asString());
                case "N":
                    return AttributeValue.fromN(v.asString());
                case "B":
                    return AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(v.asString())));
                case "BOOL":
                    return AttributeValue.fromBool(v.asBoolean());
                case "NULL":
                    return AttributeValue.fromNul(v.asBoolean());
                case "SS":
                    return AttributeValue.fromSs(strings(v));
                case "NS":
                    return AttributeValue.fromNs(strings(v));
                case "BS": {
                    List<SdkBytes> bytes = new ArrayList<>();
                    strings(v).forEach(s -> bytes.add(SdkBytes.fromByteArray(Base64.getDecoder().decode(s))));
                    return AttributeValue.fromBs(bytes);
                }
                case "M": {
                    Map<String, AttributeValue> map = new LinkedHashMap<>();
                    v.asObject().forEach((name, inner) -> map.put(name, parse(inner)));
                    return AttributeValue.fromM(map);
                }
                case "L": {
                    List<AttributeValue> list = new ArrayList<>();
                    v.asArray().forEach(inner -> list.add(parse(inner)));
                    return AttributeValue.fromL(list);
                }
                default:
                    throw new AwsError(400, CORAL + "SerializationException",
                            "Unknown AttributeValue type " + field.getKey());
            }
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw new AwsError(400, CORAL + "SerializationException",
                    "Malformed AttributeValue of type " + field.getKey());
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.asArray().forEach(n -> values.add(n.asString()));
        return values;
    }

    /** Writes a value exactly as DynamoDB's JSON 1.0 protocol does: one type key, numbers as strings, base64 bytes. */
    private static void write(JsonWriter json, AttributeValue value) {
        json.writeStartObject();
        switch (value.type()) {
            case S:
                json.writeFieldName("S").writeValue(value.s());
                break;
            case N:
                json.writeFieldName("N").writeValue(value.n());
                break;
            case B:
                json.writeFieldName("B").writeValue(base64(value.b()));
                break;
            case BOOL:
                json.writeFieldName("BOOL").writeValue(value.bool());
                break;
            case NUL:
                json.writeFieldName("NULL").writeValue(true);
                break;
            case SS:
                json.writeFieldName("SS").writeStartArray();
                value.ss().forEach(json::writeValue);
                json.writeEndArray();
                break;
            case NS:
                json.writeFieldName("NS").writeStartArray();
                value.ns().forEach(json::writeValue);
                json.writeEndArray();
                break;
            case BS:
                json.writeFieldName("BS").writeStartArray();
                value.bs().forEach(b -> json.writeValue(base64(b)));
                json.writeEndArray();
                break;
            case M:
                json.writeFieldName("M").writeStartObject();
                value.m().forEach((name, inner) -> {
                    json.writeFieldName(name);
                    write(json, inner);
                });
                json.writeEndObject();
                break;
            case L:
                json.writeFieldName("L").writeStartArray();
                value.l().forEach(inner -> write(json, inner));
                json.writeEndArray();
                break;
            default:
                throw new IllegalStateException("stored value of unknown type " + value.type());
        }
        json.writeEndObject();
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArrayUnsafe());
    }

    /** Checks a value as {@code PutItem} does and returns it as DynamoDB stores it (numbers canonical). */
    private static AttributeValue normalize(String name, AttributeValue value) {
        int types = (value.s() != null ? 1 : 0) + (value.n() != null ? 1 : 0) + (value.b() != null ? 1 : 0)
                + (value.bool() != null ? 1 : 0) + (value.nul() != null ? 1 : 0) + (value.hasSs() ? 1 : 0)
                + (value.hasNs() ? 1 : 0) + (value.hasBs() ? 1 : 0) + (value.hasM() ? 1 : 0)
                + (value.hasL() ? 1 : 0);
        if (types == 0) {
            throw new IllegalArgumentException("attribute " + name + ": Supplied AttributeValue is empty, must "
                    + "contain exactly one of the supported datatypes");
        }
        if (types > 1) {
            throw new IllegalArgumentException("attribute " + name + ": Supplied AttributeValue has more than one "
                    + "datatypes set, must contain exactly one of the supported datatypes");
        }
        if (value.n() != null) {
            return AttributeValue.fromN(canonicalNumber(name, value.n()));
        } else if (value.nul() != null && !value.nul()) {
            throw new IllegalArgumentException("attribute " + name + ": One or more parameter values were invalid: "
                    + "Null attribute value types must have the value of true");
        } else if (value.hasSs()) {
            return AttributeValue.fromSs(distinct(name, "string", value.ss()));
        } else if (value.hasNs()) {
            List<String> numbers = new ArrayList<>();
            value.ns().forEach(n -> numbers.add(canonicalNumber(name, n)));
            return AttributeValue.fromNs(distinct(name, "number", numbers));
        } else if (value.hasBs()) {
            return AttributeValue.fromBs(distinct(name, "binary", value.bs()));
        } else if (value.hasM()) {
            Map<String, AttributeValue> map = new LinkedHashMap<>();
            value.m().forEach((key, inner) -> map.put(key, normalize(name + "." + key, inner)));
            return AttributeValue.fromM(map);
        } else if (value.hasL()) {
            List<AttributeValue> list = new ArrayList<>();
            for (int i = 0; i < value.l().size(); i++) {
                list.add(normalize(name + "[" + i + "]", value.l().get(i)));
            }
            return AttributeValue.fromL(list);
        }
        return value;
    }

    private static <T> List<T> distinct(String name, String kind, List<T> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("attribute " + name + ": One or more parameter values were invalid: "
                    + "An " + kind + " set  may not be empty");
        }
        if (new HashSet<>(members).size() != members.size()) {
            throw new IllegalArgumentException("attribute " + name + ": One or more parameter values were invalid: "
                    + "Input collection contains duplicates");
        }
        return members;
    }

    /** DynamoDB's form of a number: trimmed of leading and trailing zeros, 38 significant digits at most. */
    static String canonicalNumber(String name, String number) {
        BigDecimal decimal;
        try {
            decimal = new BigDecimal(number.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("attribute " + name + ": The parameter cannot be converted to a "
                    + "numeric value");
        }
        if (decimal.signum() == 0) {
            return "0";
        }
        decimal = decimal.stripTrailingZeros();
        if (decimal.precision() > 38) {
            throw new IllegalArgumentException("attribute " + name + ": Attempting to store more than 38 "
                    + "significant digits in a Number");
        }
        int magnitude = decimal.precision() - decimal.scale() - 1;
        if (magnitude > 125) {
            throw new IllegalArgumentException("attribute " + name + ": Number overflow. Attempting to store a "
                    + "number with magnitude larger than supported range");
        }
        if (magnitude < -130) {
            throw new IllegalArgumentException("attribute " + name + ": Number underflow. Attempting to store a "
                    + "number with magnitude smaller than supported range");
        }
        return decimal.toPlainString();
    }

    private static String typeName(AttributeValue value) {
        return value.type() == AttributeValue.Type.NUL ? "NULL" : String.valueOf(value.type());
    }

    private static String emptyKeyMessage() {
        return "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
                + "an empty string value. Key: " + LocalAws.CONN_ID;
    }

    private static List<String> tableNameProblems(String name) {
        List<String> problems = new ArrayList<>();
        if (name.length() < 3 || name.length() > 255) {
            problems.add("Value '" + name + "' at 'tableName' failed to satisfy constraint: Member must have length "
                    + (name.length() < 3 ? "greater than or equal to 3" : "less than or equal to 255"));
        }
        if (!TABLE_NAME.matcher(name).matches()) {
            problems.add("Value '" + name + "' at 'tableName' failed to satisfy constraint: Member must satisfy "
                    + "regular expression pattern: [a-zA-Z0-9_.-]+");
        }
        return problems;
    }

    private static String validationMessage(List<String> problems) {
        return problems.size() + (problems.size() == 1 ? " validation error" : " validation errors")
                + " detected: " + String.join("; ", problems);
    }

    // ---- responses ------------------------------------------------------------------------------------------------

    private static ResponseDefinition ok(byte[] body) {
        return response(200, body);
    }

    private static ResponseDefinition error(AwsError e) {
        JsonWriter json = JsonWriter.create();
        json.writeStartObject();
        json.writeFieldName("__type").writeValue(e.type);
        if (e.getMessage() != null) {
            json.writeFieldName("message").writeValue(e.getMessage());
        }
        json.writeEndObject();
        return response(e.status, json.getBytes());
    }

    /** The headers DynamoDB sends: its content type, a request id, and the CRC32 of the body the SDK checks. */
    private static ResponseDefinition response(int status, byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        return new ResponseDefinitionBuilder()
                .withStatus(status)
                .withHeader("Content-Type", "application/x-amz-json-1.0")
                .withHeader("x-amzn-RequestId", requestId())
                .withHeader("x-amz-crc32", Long.toString(crc.getValue()))
                .withBody(body)
                .build();
    }

    private static String requestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder(52);
        for (int i = 0; i < 52; i++) {
            id.append(REQUEST_ID_CHARS.charAt(random.nextInt(REQUEST_ID_CHARS.length())));
        }
        return id.toString();
    }

    /** An error answered to the client: HTTP status, {@code __type} and message. */
    private static final class AwsError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String type;

        AwsError(int status, String type, String message) {
            super(message, null, false, false);
            this.status = status;
            this.type = type;
        }
    }

    /** One table: the regions it exists in, its items by key, and the reads it answered. */
    private static final class Table {
        final Set<String> regions = ConcurrentHashMap.newKeySet();
        final Map<String, Map<String, AttributeValue>> items = new ConcurrentHashMap<>();
        final List<Boolean> consistentReads = new ArrayList<>();
    }
}
