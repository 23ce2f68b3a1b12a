package io.lava.jdbc.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server on 127.0.0.1 that pretends to be PostgreSQL just long enough to be sent a password: it answers an
 * {@code SSLRequest} with {@code 'N'} (no TLS), and a {@code StartupMessage} with {@code AuthenticationCleartextPassword}
 * ({@code 'R'}, length 8, code 3), then reads what the client sends and closes. Every byte it receives is recorded,
 * so a test can assert that no password reached it: point a record's host and port at it, connect, and check
 * {@link #received()} and {@link #receivedText()}.
 *
 * <pre>{@code
 * try (Impostor impostor = Impostor.start()) {
 *     record.put("port", new BigDecimal(impostor.port()));
 *     ... connect, expect the refusal ...
 *     assertThat(impostor.receivedText()).doesNotContain(PASSWORD);
 * }
 * }</pre>
 *
 * Does not depend on JUnit. Thread-safe.
 */
public final class Impostor implements AutoCloseable {
    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;

    private final ServerSocket server;
    private final ExecutorService threads;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final AtomicInteger connections = new AtomicInteger();

    private Impostor(ServerSocket server) {
        this.server = server;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(task -> {
            Thread t = new Thread(task, "impostor-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        threads.execute(this::accept);
    }

    /**
     * @return a listening impostor on a free port of 127.0.0.1
     * @throws IllegalStateException when no port can be bound
     */
    public static Impostor start() {
        try {
            return new Impostor(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on 127.0.0.1", e);
        }
    }

    /** @return the host to put in a record: {@code 127.0.0.1} */
    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    /** @return the port it listens on */
    public int port() {
        return server.getLocalPort();
    }

    /** @return how many connections it accepted */
    public int connections() {
        return connections.get();
    }

    /** @return a copy of every byte received, over every connection, in arrival order per connection */
    public byte[] received() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    /** @return {@link #received()} as ISO-8859-1 text, so that any byte sequence can be searched for */
    public String receivedText() {
        return new String(received(), StandardCharsets.ISO_8859_1);
    }

    /**
     * @param secret a password or token
     * @return whether the bytes of {@code secret} (UTF-8) arrived in one piece
     */
    public boolean receivedAny(String secret) {
        return receivedText().contains(new String(secret.getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1));
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(new Recording(socket.getInputStream()));
            OutputStream out = socket.getOutputStream();
            while (true) {
                int length = in.readInt();
                if (length < 8 || length > 1 << 20) {
                    return;
                }
                int code = in.readInt();
                in.skipNBytes(length - 8);
                if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
                    out.write('N');
                    out.flush();
                    continue;
                }
                // a StartupMessage: ask for the password in clear text, then take whatever comes
                out.write(new byte[] {'R', 0, 0, 0, 8, 0, 0, 0, 3});
                out.flush();
                in.readByte(); // 'p', the PasswordMessage
                int passwordLength = in.readInt();
                if (passwordLength >= 4 && passwordLength <= 1 << 20) {
                    in.skipNBytes(passwordLength - 4);
                }
                return;
            }
        } catch (EOFException e) {
            // the client went away
        } catch (IOException e) {
            // timed out or reset: what arrived is recorded
        }
    }

    /** Copies every byte read into {@link #received}. */
    private final class Recording extends InputStream {
        private final InputStream in;

        Recording(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                synchronized (received) {
                    received.write(b);
                }
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                synchronized (received) {
                    received.write(buffer, offset, n);
                }
            }
            return n;
        }
    }

    /** Stops listening and ends its threads. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Impostor[127.0.0.1:" + port() + ", " + connections() + " connections]";
    }
}
