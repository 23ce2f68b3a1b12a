package io.lava.jdbc.examples.benchmarks;

import java.net.URI;
import java.util.Map;
import java.util.Properties;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The floor of row 5: what any Java program pays to do lava-pg's AWS work with the AWS SDK's own clients and no
 * lava-pg code — one url-connection HTTP client, a {@code DynamoDbClient} and one {@code GetItem} of the record, an
 * {@code SsmClient} and one {@code GetParameter} (with decryption) of the parameter the record names, then pgjdbc's
 * connect and {@code select 1}. Prints {@code ok} and then its peak resident set, as {@link ColdStartProbe} does. Its
 * class path is this class and the probe's plus the driver's runtime jars without the driver's own (the unrelocated
 * SDK and pgjdbc): nothing of the driver's code is used.
 *
 * <p>Arguments: the AWS endpoint URL, the region, the connections table, the conn_id, and pgjdbc's URL (host, port,
 * database, user and TLS settings of that record). Credentials come from the SDK's default chain (the run's
 * environment), as lava-pg's do.
 */
public final class SdkFloorProbe {
    private SdkFloorProbe() {
    }

    /**
     * @param args endpoint, region, table, conn_id, pgjdbc URL
     * @throws Exception when a call, the connection or the query fails (exit status 1)
     */
    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        Region region = Region.of(args[1]);
        String password;
        try (SdkHttpClient http = UrlConnectionHttpClient.builder().build()) {
            String parameter;
            try (DynamoDbClient dynamoDb = DynamoDbClient.builder().httpClient(http).region(region)
                    .endpointOverride(endpoint).build()) {
                Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(args[2])
                        .key(Map.of("conn_id", AttributeValue.fromS(args[3]))).consistentRead(true)).item();
                parameter = item.get("password").s();
            }
            try (SsmClient ssm = SsmClient.builder().httpClient(http).region(region).endpointOverride(endpoint)
                    .build()) {
                password = ssm.getParameter(b -> b.name(parameter).withDecryption(true)).parameter().value();
            }
        }
        Properties info = new Properties();
        info.setProperty("password", password);
        ColdStartProbe.connectAndReport(args[4], info);
    }
}
