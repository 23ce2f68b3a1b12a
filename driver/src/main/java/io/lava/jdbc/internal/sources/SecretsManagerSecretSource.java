package io.lava.jdbc.internal.sources;

import io.lava.jdbc.internal.aws.AwsClientRegistry;
import io.lava.jdbc.internal.aws.AwsClients;
import io.lava.jdbc.internal.aws.AwsFailures;
import io.lava.jdbc.internal.aws.ConnectRetryStrategy;
import io.lava.jdbc.internal.record.SecretFields;
import io.lava.jdbc.LavaPgProperty;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.CallTimeouts;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * AWS Secrets Manager: {@code GetSecretValue(SecretId)}; the {@code SecretString} must be a JSON object, binary secrets
 * are refused (lava's rule).
 *
 * @param aws the engine's clients, looked up per call
 * @param scope region, profile and endpoint
 */
public record SecretsManagerSecretSource(AwsClientRegistry aws, AwsClients.Scope scope) implements SecretSource {

    @Override
    public SecretFields get(String secretId, CallTimeouts timeouts) {
        GetSecretValueResponse response;
        try {
            response = ConnectRetryStrategy.call(timeouts, () -> aws.clients(scope).secretsManager()
                    .getSecretValue(b -> b.secretId(secretId).overrideConfiguration(timeouts::applyTo)));
        } catch (ResourceNotFoundException e) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "secret '" + secretId + "' does not exist in "
                    + scope.region() + ". Fix the record's 'secret_id' or create the secret", e);
        } catch (SdkException e) {
            throw AwsFailures.of(e, "Secrets Manager GetSecretValue '" + secretId + "'",
                    "secretsmanager:GetSecretValue (and kms:Decrypt for a customer-managed key)",
                    LavaPgProperty.SECRET_TTL, timeouts);
        }
        if (response.secretString() == null) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "secret '" + secretId + "' is binary; lava needs a "
                    + "SecretString holding a JSON object");
        }
        return SecretFields.parse(secretId, response.secretString());
    }
}
