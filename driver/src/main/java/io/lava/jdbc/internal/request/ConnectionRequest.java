package io.lava.jdbc.internal.request;

import io.lava.jdbc.internal.Errors.Step;
import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * A {@code jdbc:lava-pg:} URL and its properties, parsed and validated once at the edge: what the driver, the data
 * source and the command line all start from.
 *
 * @param ref realm, conn_id and the merged properties
 * @param options the driver's own settings and the properties for pgjdbc
 */
public record ConnectionRequest(ConnectionRef ref, ConnectionOptions options) {

    /**
     * @param url a URL for which {@link ConnectionRef#accepts} is true
     * @param info the caller's properties, possibly {@code null}
     * @param env environment lookup ({@code System::getenv} in production)
     * @return the parsed request
     * @throws SQLException (08001, step {@code url}) for a malformed URL, a missing realm or an invalid property; the
     *     message names the realm and conn_id once the URL has been parsed; (08001) for a {@link LinkageError}
     *     ({@link Errors#incompleteJar})
     */
    public static ConnectionRequest of(String url, Properties info, UnaryOperator<String> env) throws SQLException {
        ConnectionRef ref;
        try {
            ref = ConnectionRef.parse(url, info, env);
        } catch (SourceException e) {
            throw Errors.at(null, null, Step.URL, e);
        } catch (LinkageError e) {
            throw Errors.at(null, null, Step.URL, Errors.incompleteJar(e));
        }
        try {
            return new ConnectionRequest(ref, ConnectionOptions.of(ref, env));
        } catch (SourceException e) {
            throw Errors.at(ref.realm(), ref.connId(), Step.URL, e);
        } catch (LinkageError e) {
            throw Errors.at(ref.realm(), ref.connId(), Step.URL, Errors.incompleteJar(e));
        }
    }
}
