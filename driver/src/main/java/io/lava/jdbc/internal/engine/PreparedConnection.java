package io.lava.jdbc.internal.engine;

import io.lava.jdbc.internal.record.ResolvedConnection;
import io.lava.jdbc.internal.request.ConnectDeadline;
import io.lava.jdbc.internal.request.ConnectionOptions;
import io.lava.jdbc.internal.request.ConnectionRef;
import io.lava.jdbc.internal.request.ConnectionRequest;

/**
 * What a connect works from, and what the command line shows: the parsed URL and options, the resolved connection
 * with the time of each step, and the connect's deadline (what is left of it goes to pgjdbc).
 *
 * @param request the parsed URL and the driver's validated options
 * @param resolution the resolved connection and how each step was served
 * @param deadline the connect's deadline ({@code loginTimeout}), started when the connect started
 * @param reused whether {@code resolution} is an earlier connect's, reused ({@link ReusedResolutions})
 */
public record PreparedConnection(ConnectionRequest request, Resolution resolution, ConnectDeadline deadline,
                                 boolean reused) {

    /**
     * A connect that resolved anew.
     *
     * @param request the parsed URL and the driver's validated options
     * @param resolution the resolved connection and how each step was served
     * @param deadline the connect's deadline
     */
    public PreparedConnection(ConnectionRequest request, Resolution resolution, ConnectDeadline deadline) {
        this(request, resolution, deadline, false);
    }

    /** @return the parsed URL: realm, conn_id and the merged properties */
    public ConnectionRef ref() {
        return request.ref();
    }

    /** @return the driver's own settings and the properties for pgjdbc */
    public ConnectionOptions options() {
        return request.options();
    }

    /** @return host, port, database, user, password and TLS settings */
    public ResolvedConnection connection() {
        return resolution.connection();
    }
}
