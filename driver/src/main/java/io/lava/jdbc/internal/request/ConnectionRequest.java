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
        return of(url, info, env, UnaryOperator.identity());
    }

    /**
     * As {@link #of(String, Properties, UnaryOperator)}, with an admission step between parsing and validation: the
     * operator's policy checks the parsed URL and properties and returns those the connect is to use.
     *
     * @param admit checks the parsed request and returns what to validate; throws a {@link SourceException} to refuse
     * @throws SQLException as {@link #of(String, Properties, UnaryOperator)}, and with the SQLState of a refusal
     */
    public static ConnectionRequest of(String url, Properties info, UnaryOperator<String> env,
                                       UnaryOperator<ConnectionRef> admit) throws SQLException {
        ConnectionRef ref;
        try {
            ref = ConnectionRef.parse(url, info, env);
        } catch (SourceException e) {
            throw Errors.at(null, null, Step.URL, e);
        } catch (LinkageError e) {
            throw Errors.at(null, null, Step.URL, Errors.incompleteJar(e));
        }
        try {
            ConnectionRef admitted = admit.apply(ref);
            return new ConnectionRequest(admitted, ConnectionOptions.of(admitted, env));
        } catch (SourceException e) {
            throw Errors.at(ref.realm(), ref.connId(), Step.URL, e);
        } catch (LinkageError e) {
            throw Errors.at(ref.realm(), ref.connId(), Step.URL, Errors.incompleteJar(e));
        }
    }
}
