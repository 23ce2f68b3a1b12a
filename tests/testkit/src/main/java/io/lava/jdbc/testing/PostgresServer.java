package io.lava.jdbc.testing;

/** A running PostgreSQL server behind a {@link LocalPostgres}: local binaries or a container. */
interface PostgresServer {

    /** Host name or address clients connect to. */
    String host();

    /** TCP port clients connect to. */
    int port();

    /** Stops the server and releases what it used; safe to call more than once. */
    void stop();
}
