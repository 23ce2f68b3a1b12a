package io.lava.jdbc;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.model.GetParameterResponse;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * SSM Parameter Store: {@code GetParameter(Name, WithDecryption=true)}.
 *
 * @param clients the shared AWS clients
 */
record SsmParameterSource(AwsClients clients) implements ParameterSource {

    @Override
    public String get(String name) {
        GetParameterResponse response;
        try {
            response = clients.ssm().getParameter(b -> b.name(name).withDecryption(true));
        } catch (ParameterNotFoundException e) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "SSM parameter '" + name + "' does not exist in "
                    + clients.scope().region() + ". Create it as a SecureString, or fix the record's 'password' field",
                    e);
        } catch (SdkException e) {
            throw AwsFailures.of(e, "SSM GetParameter '" + name + "'", "ssm:GetParameter and kms:Decrypt",
                    LavaPgProperty.PARAMETER_TTL, clients.scope());
        }
        if (response.parameter() == null || response.parameter().value() == null) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "SSM GetParameter '" + name
                    + "' returned no value. Check the parameter in SSM");
        }
        return response.parameter().value();
    }
}
