package io.lava.jdbc.internal.record;

import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.SslMode;
import io.lava.jdbc.internal.record.ConnectionRecord;
import io.lava.jdbc.internal.record.LavaType;
import io.lava.jdbc.internal.record.SecretFields;

/**
 * Everything needed to open the connection, after the SSM parameter and the secret have been applied. Immutable;
 * {@link #toString} never shows the password.
 *
 * @param realm the realm
 * @param connId the conn_id
 * @param type the lava type
 * @param host database host
 * @param port database port, 1 to 65535
 * @param database database name
 * @param user database user
 * @param password the password (a literal value), or {@code null} until an IAM token is set
 * @param passwordSource where the password came from
 * @param sslMode the record's TLS mode ({@code ssl_mode} / {@code ssl}), or {@code null}
 * @param sslCaFile the record's CA bundle ({@code ssl_ca_file} / {@code ca_cert}), or {@code null}
 */
public record ResolvedConnection(String realm, String connId, LavaType type, String host, int port, String database,
                          String user, String password, PasswordSource passwordSource, SslMode sslMode,
                          String sslCaFile) {

    /** Where a password came from, for logs and diagnostics. */
    public enum PasswordSource {
        /** The record's {@code password} field named an SSM SecureString. */
        SSM_PARAMETER,
        /** The record's secret supplied {@code password}. */
        SECRET,
        /** An RDS IAM token: a {@code postgres-aurora} / {@code postgres-rds} record without a password. */
        IAM_TOKEN
    }

    /**
     * Applies lava's resolution order steps 2 and 3 ({@code docs/lava.md}): fields the record lacks come from the
     * secret (the record always wins), then {@code host}, {@code port}, {@code database} and {@code user} are
     * required. A password from SSM wins over the secret's {@code password}.
     *
     * @param realm the realm
     * @param record the validated record
     * @param parameterValue the value of the record's SSM parameter, or {@code null} when the record names none
     * @param secret the secret's fields ({@link SecretFields#NONE} without {@code secret_id})
     * @return the resolved connection; for an RDS/Aurora record without a password, one whose password is still
     *     {@code null} and whose source is {@link PasswordSource#IAM_TOKEN} (see {@link #withPassword})
     * @throws SourceException 08001 naming a missing or invalid field; 28000 when no password is known for a plain
     *     PostgreSQL type
     */
    public static ResolvedConnection of(String realm, ConnectionRecord record, String parameterValue,
                                        SecretFields secret) {
        String host = first(record.host(), secret.get("host"));
        Integer port = record.port() != null ? record.port()
                : ConnectionRecord.port(secret.get("port"), "port (from the secret)", false);
        String database = first(record.database(), secret.get("database"));
        String user = first(record.user(), secret.get("user"));
        require(host, "host");
        require(port, "port");
        require(database, "database");
        require(user, "user");
        String password = parameterValue != null ? parameterValue : secret.get("password");
        if (password == null && !record.type().iamCapable) {
            throw new SourceException(Errors.INVALID_AUTHORIZATION, "password must be specified for type '"
                    + record.type().lavaName + "'. Set 'password' in the record to the name of an SSM SecureString "
                    + "under /lava/" + realm + "/, or a secret_id whose secret has a password");
        }
        PasswordSource source = parameterValue != null ? PasswordSource.SSM_PARAMETER
                : password != null ? PasswordSource.SECRET : PasswordSource.IAM_TOKEN;
        return new ResolvedConnection(realm, record.connId(), record.type(), host, port, database, user, password,
                source, record.sslMode(), record.sslCaFile());
    }

    /** @return a copy with {@code password} set (an IAM token) */
    public ResolvedConnection withPassword(String newPassword) {
        return new ResolvedConnection(realm, connId, type, host, port, database, user, newPassword, passwordSource,
                sslMode, sslCaFile);
    }

    /**
     * @param other another database on the same server, or {@code null}
     * @return this connection to {@code other} instead of the record's database (host, port, user, password and TLS
     *     unchanged); this connection itself for {@code null}
     */
    public ResolvedConnection withDatabase(String other) {
        return other == null ? this : new ResolvedConnection(realm, connId, type, host, port, other, user, password,
                passwordSource, sslMode, sslCaFile);
    }

    /** @return this connection with {@code sslCaFile} replaced (a fetched bundle's local file) */
    public ResolvedConnection withSslCaFile(String localFile) {
        return new ResolvedConnection(realm, connId, type, host, port, database, user, password, passwordSource,
                sslMode, localFile);
    }

    private static String first(String fromRecord, String fromSecret) {
        return fromRecord != null ? fromRecord : fromSecret;
    }

    private static void require(Object value, String field) {
        if (value == null) {
            throw ConnectionRecord.invalid("field '" + field + "' is missing from the record"
                    + " (and from its secret, if it has a secret_id)");
        }
    }

    @Override
    public String toString() {
        return "ResolvedConnection[realm=" + realm + ", connId=" + connId + ", type=" + type.lavaName + ", host=" + host
                + ", port=" + port + ", database=" + database + ", user=" + user + ", password=(redacted, from "
                + passwordSource + "), sslMode=" + (sslMode == null ? "(not set)" : sslMode.pgName()) + "]";
    }
}
