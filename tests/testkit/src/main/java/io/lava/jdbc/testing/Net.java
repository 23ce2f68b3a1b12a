package io.lava.jdbc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Small network helpers for the test harness. */
final class Net {

    /** The loopback address every local test server listens on. */
    static final String LOOPBACK = "127.0.0.1";

    private Net() {}

    /** A TCP port on the loopback interface that was free a moment ago. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free TCP port", e);
        }
    }
}
