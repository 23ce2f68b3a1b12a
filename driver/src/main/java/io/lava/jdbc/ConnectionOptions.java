package io.lava.jdbc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * The driver's own settings for one connect, read once from the merged properties ({@link LavaPgProperty}) and
 * validated here, at the edge; plus the properties that pass through to pgjdbc.
 *
 * @param connectionsTable DynamoDB table of records ({@code lava.<realm>.connections} unless overridden)
 * @param connectionsFile local records file, or {@code null} to read DynamoDB
 * @param aws region, profile and endpoint settings as given (not yet resolved)
 * @param recordTtl how long a record is cached; zero disables caching
 * @param parameterTtl how long an SSM parameter value is cached; zero disables caching
 * @param secretTtl how long a secret is cached; zero disables caching
 * @param pgProperties every property that is not the driver's own, minus {@code user} and {@code password}
 */
record ConnectionOptions(String connectionsTable, Path connectionsFile, AwsSettings aws, Duration recordTtl,
                         Duration parameterTtl, Duration secretTtl, Properties pgProperties) {

    /**
     * Reads and validates the driver's properties.
     *
     * @param ref the parsed URL
     * @param env environment lookup, for {@code LAVA_CONNECTIONS_FILE}
     * @return the options
     * @throws SourceException (08001) naming the property whose value is invalid
     */
    static ConnectionOptions of(ConnectionRef ref, UnaryOperator<String> env) {
        Properties all = ref.properties();
        String table = LavaPgProperty.CONNECTIONS_TABLE.get(all);
        String file = LavaPgProperty.CONNECTIONS_FILE.get(all);
        if (file == null) {
            file = ConnectionRef.blankToNull(env.apply("LAVA_CONNECTIONS_FILE"));
        }
        AwsSettings aws = new AwsSettings(LavaPgProperty.AWS_REGION.get(all), LavaPgProperty.AWS_PROFILE.get(all),
                LavaPgProperty.AWS_ENDPOINT_URL.get(all));
        aws.validate();
        Properties pg = new Properties();
        for (String key : all.stringPropertyNames()) {
            if (LavaPgProperty.forName(key) == null && !key.equals("user") && !key.equals("password")) {
                pg.setProperty(key, all.getProperty(key));
            }
        }
        return new ConnectionOptions(
                table != null ? table : "lava." + ref.realm() + ".connections",
                file == null ? null : Path.of(file),
                aws,
                seconds(LavaPgProperty.RECORD_TTL, all),
                seconds(LavaPgProperty.PARAMETER_TTL, all),
                seconds(LavaPgProperty.SECRET_TTL, all),
                pg);
    }

    private static Duration seconds(LavaPgProperty property, Properties all) {
        String value = property.get(all);
        try {
            long seconds = Long.parseLong(value);
            if (seconds >= 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new SourceException(Errors.UNABLE_TO_CONNECT, "property " + property.getName() + "='" + value
                + "' is not a whole number of seconds >= 0 (default " + property.getDefaultValue() + ")");
    }
}
