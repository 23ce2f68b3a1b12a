package io.lava.jdbc.internal.pg;

import io.lava.jdbc.internal.record.ResolvedConnection;
import java.sql.SQLException;

/** What a failed pgjdbc connect means for the caller: whether fresh credentials may help, and what to do. */
public final class ConnectFailures {
    private ConnectFailures() {
    }

    /**
     * @return whether the server refused the credentials (SQLState {@code 28P01} invalid password, {@code 28000}
     *     invalid authorization, {@code 08004} connection rejected), so that fresh credentials may help
     */
    public static boolean credentialsRefused(SQLException e) {
        String state = e.getSQLState();
        return "28P01".equals(state) || "28000".equals(state) || "08004".equals(state);
    }

    /**
     * @return whether the server refused the password or the user ({@code 28P01} invalid password, {@code 28000}
     *     invalid authorization): the refusals a password rotation causes
     */
    public static boolean passwordRefused(SQLException e) {
        String state = e.getSQLState();
        return "28P01".equals(state) || "28000".equals(state);
    }

    /** @return what to do about a connect that failed with {@code state}, by where the password came from */
    static String hint(String state, ResolvedConnection resolved) {
        if (state.startsWith("28")) {
            return switch (resolved.passwordSource()) {
                case SSM_PARAMETER, SECRET -> "The server refused the credentials resolved from the lava record "
                        + "(password from its " + (resolved.passwordSource()
                        == ResolvedConnection.PasswordSource.SECRET ? "secret" : "SSM parameter") + "); check that "
                        + "the stored password and user match the database";
                case IAM_TOKEN -> "The server refused the RDS IAM token; check that IAM authentication is enabled "
                        + "on the instance, the user has GRANT rds_iam, the AWS identity may rds-db:connect as this "
                        + "user, and the token's region and host (awsRegion, iamHost) match the database";
            };
        }
        if (state.startsWith("08")) {
            return "Check the record's host and port, and that this machine can reach the server";
        }
        return "See the PostgreSQL message above";
    }
}
