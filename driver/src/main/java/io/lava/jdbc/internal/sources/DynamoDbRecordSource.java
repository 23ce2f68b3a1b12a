package io.lava.jdbc.internal.sources;

import io.lava.jdbc.internal.aws.AwsClientRegistry;
import io.lava.jdbc.internal.aws.AwsClients;
import io.lava.jdbc.internal.aws.AwsFailures;
import io.lava.jdbc.internal.aws.ConnectRetryStrategy;
import io.lava.jdbc.internal.record.ConnectionRecord;
import io.lava.jdbc.LavaPgProperty;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.CallTimeouts;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Records from lava's DynamoDB table ({@code lava.<realm>.connections}, hash key {@code conn_id}): one {@code GetItem}.
 *
 * @param aws the engine's clients, looked up per call (so that a closed scope is rebuilt, never used)
 * @param scope region, profile and endpoint of the table
 * @param table the table name
 */
public record DynamoDbRecordSource(AwsClientRegistry aws, AwsClients.Scope scope,
                                   String table) implements RecordSource {

    @Override
    public ConnectionRecord get(String connId, CallTimeouts timeouts) {
        GetItemResponse response;
        try {
            response = ConnectRetryStrategy.call(timeouts, () -> aws.clients(scope).dynamoDb().getItem(b -> b
                    .tableName(table)
                    .key(Map.of("conn_id", AttributeValue.fromS(connId)))
                    .overrideConfiguration(timeouts::applyTo)));
        } catch (ResourceNotFoundException e) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, describe() + " does not exist. Check the realm in the "
                    + "URL, the region (awsRegion), or the connectionsTable property", e);
        } catch (SdkException e) {
            throw AwsFailures.of(e, "DynamoDB GetItem on table '" + table + "'", "dynamodb:GetItem",
                    LavaPgProperty.RECORD_TTL, timeouts);
        }
        if (!response.hasItem() || response.item().isEmpty()) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "no such connection in " + describe()
                    + ". Check the conn_id and the realm");
        }
        Map<String, Object> attributes = new HashMap<>();
        response.item().forEach((name, value) -> attributes.put(name, plain(value)));
        return ConnectionRecord.of(connId, attributes);
    }

    private static Object plain(AttributeValue value) {
        if (value.s() != null) {
            return value.s();
        }
        if (value.n() != null) {
            return new java.math.BigDecimal(value.n());
        }
        if (value.bool() != null) {
            return value.bool();
        }
        if (Boolean.TRUE.equals(value.nul())) {
            return null;
        }
        return value; // another DynamoDB type: rejected if a field this driver reads holds it
    }

    @Override
    public String describe() {
        return "DynamoDB table '" + table + "' (" + scope.region() + ")";
    }
}
