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
import software.amazon.awssdk.services.ssm.model.GetParameterResponse;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * SSM Parameter Store: {@code GetParameter(Name, WithDecryption=true)}.
 *
 * @param aws the engine's clients, looked up per call
 * @param scope region, profile and endpoint
 */
public record SsmParameterSource(AwsClientRegistry aws, AwsClients.Scope scope) implements ParameterSource {

    @Override
    public String get(String name, CallTimeouts timeouts) {
        GetParameterResponse response;
        try {
            response = ConnectRetryStrategy.call(timeouts, () -> aws.clients(scope).ssm().getParameter(b -> b
                    .name(name).withDecryption(true)
                    .overrideConfiguration(timeouts::applyTo)));
        } catch (ParameterNotFoundException e) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "SSM parameter '" + name + "' does not exist in "
                    + scope.region() + ". Create it as a SecureString, or fix the record's 'password' field",
                    e);
        } catch (SdkException e) {
            throw AwsFailures.of(e, "SSM GetParameter '" + name + "'", "ssm:GetParameter and kms:Decrypt",
                    LavaPgProperty.PARAMETER_TTL, timeouts);
        }
        if (response.parameter() == null || response.parameter().value() == null) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "SSM GetParameter '" + name
                    + "' returned no value. Check the parameter in SSM");
        }
        return response.parameter().value();
    }
}
