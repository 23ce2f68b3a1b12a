package io.lava.jdbc;

import io.lava.jdbc.Errors.Step;
import java.sql.SQLException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Resolves a {@link ConnectionRef} into a {@link ResolvedConnection}: record, then SSM parameter, then secret merge
 * (lava's resolution order, {@code ../shared/LAVA.md}), each through its JVM-wide cache ({@link Caches}).
 *
 * <p>Stateless and thread-safe. Logs each step at FINE under {@code io.lava.jdbc}; never logs a value read from SSM or
 * Secrets Manager.
 */
final class Resolver {
    private static final Logger LOG = Logger.getLogger(Resolver.class.getName());

    private Resolver() {
    }

    /**
     * @param ref the parsed URL
     * @param options the validated options
     * @return host, port, database, user and password for pgjdbc
     * @throws SQLException with the SQLState of the failing step (see the README's error table), the step named in the
     *     message and the AWS/IO exception as cause
     */
    static ResolvedConnection resolve(ConnectionRef ref, ConnectionOptions options) throws SQLException {
        String realm = ref.realm();
        String connId = ref.connId();
        ConnectionRecord record = step(ref, Step.RECORD, () -> {
            RecordSource source = options.connectionsFile() != null
                    ? new FileRecordSource(options.connectionsFile().toAbsolutePath().normalize())
                    : new DynamoDbRecordSource(AwsClients.forSettings(options.aws()), options.connectionsTable());
            return Caches.RECORDS.get(new Caches.RecordKey(source, connId), options.recordTtl(), key -> {
                LOG.log(Level.FINE, "realm ''{0}'', conn_id ''{1}'': reading record from {2}",
                        new Object[] {realm, connId, source.describe()});
                return source.get(connId);
            });
        });

        String parameterValue = null;
        if (record.passwordParameter() != null) {
            String name = record.passwordParameter();
            parameterValue = step(ref, Step.PARAMETER, () -> {
                String prefix = "/lava/" + realm + "/";
                if (!name.startsWith(prefix) || name.length() == prefix.length()) {
                    throw new SourceException(Errors.INVALID_AUTHORIZATION, "SSM parameter '" + name + "' is outside "
                            + prefix + "; lava reads passwords only from parameters under its realm. Store the "
                            + "password under " + prefix + " and put that name in the record's 'password' field");
                }
                ParameterSource source = new SsmParameterSource(AwsClients.forSettings(options.aws()));
                return Caches.PARAMETERS.get(new Caches.ParameterKey(source, name), options.parameterTtl(), key -> {
                    LOG.log(Level.FINE, "realm ''{0}'', conn_id ''{1}'': reading SSM parameter {2}",
                            new Object[] {realm, connId, name});
                    return new Caches.Secret(source.get(name));
                }).value();
            });
        }

        SecretFields secret = SecretFields.NONE;
        if (record.secretId() != null) {
            String secretId = record.secretId();
            secret = step(ref, Step.SECRET, () -> {
                SecretSource source = new SecretsManagerSecretSource(AwsClients.forSettings(options.aws()));
                return Caches.SECRETS.get(new Caches.SecretKey(source, secretId), options.secretTtl(), key -> {
                    LOG.log(Level.FINE, "realm ''{0}'', conn_id ''{1}'': reading secret {2}",
                            new Object[] {realm, connId, secretId});
                    return source.get(secretId);
                });
            });
        }

        SecretFields merged = secret;
        String password = parameterValue;
        ResolvedConnection resolved = step(ref, Step.CREDENTIALS,
                () -> ResolvedConnection.of(realm, record, password, merged));
        if (resolved.passwordSource() == ResolvedConnection.PasswordSource.IAM_TOKEN) {
            ResolvedConnection needsToken = resolved;
            resolved = step(ref, Step.TOKEN, () -> needsToken.withPassword(IamTokens.SHARED.get(
                    tokenKey(options, needsToken))));
        }
        LOG.log(Level.FINER, "realm ''{0}'', conn_id ''{1}'': resolved to {2}", new Object[] {realm, connId, resolved});
        return resolved;
    }

    /**
     * What the IAM token for this connection is signed for: {@code iamHost}/{@code iamPort} if set, else the record's
     * host and port; region {@code awsRegion} if set, else the one in an RDS endpoint name, else the SDK's chain.
     */
    static IamTokens.Key tokenKey(ConnectionOptions options, ResolvedConnection resolved) {
        String host = options.iamHost() != null ? options.iamHost() : resolved.host();
        int port = options.iamPort() != null ? options.iamPort() : resolved.port();
        AwsSettings aws = options.aws();
        String hostRegion = aws.region() == null ? RdsRegions.fromHost(host) : null;
        if (hostRegion != null) {
            aws = new AwsSettings(hostRegion, aws.profile(), aws.endpointUrl());
        }
        AwsClients clients = AwsClients.forSettings(aws);
        TokenSource source = new RdsTokenSource(clients.credentials());
        LOG.log(Level.FINE, "realm ''{0}'', conn_id ''{1}'': RDS IAM token for {2}@{3}:{4} in {5}",
                new Object[] {resolved.realm(), resolved.connId(), resolved.user(), host, String.valueOf(port),
                        clients.scope().region()});
        return new IamTokens.Key(source, source.identity(), clients.scope().region(), host, port, resolved.user(),
                options.iamTokenTtl());
    }

    private static <T> T step(ConnectionRef ref, Step step, Supplier<T> body) throws SQLException {
        try {
            return body.get();
        } catch (SourceException e) {
            throw Errors.at(ref.realm(), ref.connId(), step, e);
        }
    }
}
