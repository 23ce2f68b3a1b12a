package io.lava.jdbc.internal.sources;

import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.CallTimeouts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Fetches a CA bundle named by an {@code https://} or {@code s3://} URI in a record's {@code ssl_ca_file} (lava 8.3
 * downloads such bundles to a local file first) and writes it to a private file for pgjdbc's {@code sslrootcert} and
 * psql's {@code PGSSLROOTCERT}.
 *
 * <p>Rules for {@code https://}: the JDK's {@link HttpClient}, the server's certificate verified against the JVM's
 * trust store (the JDK's default {@code SSLContext}); no redirects; HTTP 200 only; at most {@value #MAX_BYTES} bytes;
 * the whole fetch bounded by the connect's AWS call timeout ({@code awsApiCallTimeout}). For {@code s3://}: S3
 * {@code GetObject} through {@link S3ObjectSource} (the connect's AWS credentials, region and endpoint; at most
 * {@value #MAX_BYTES} bytes; {@code awsApiCallTimeout} and {@code awsApiCallAttemptTimeout}). Either way the content
 * must parse as one or more PEM X.509 certificates ({@link CertificateFactory#generateCertificates}). Files go to one
 * owner-only directory ({@code rwx------}) under {@code java.io.tmpdir}, each mode {@code 0600}; {@link #close()} (the
 * engine's close) deletes the directory, and so does the JVM's exit ({@link java.io.File#deleteOnExit}) when no engine
 * was closed. A bundle refreshed after its TTL ({@code recordTtl}) goes to a new file; earlier files stay until then.
 * Failures are {@link SourceException}s with SQLState 08001 (28000 when AWS denies an S3 call). Thread-safe.
 */
public final class CaBundleSource implements AutoCloseable {
    /** The largest CA bundle fetched: 1 MiB. */
    public static final int MAX_BYTES = 1 << 20;

    private final AtomicInteger files = new AtomicInteger();
    private volatile Path dir;
    private volatile boolean closed;

    /**
     * @param uri the record's {@code https://} URI
     * @param timeouts the connect's call limits; {@link CallTimeouts#apiCall()} bounds the whole fetch
     * @return the private file holding the fetched bundle
     * @throws SourceException 08001 when the fetch fails, the answer is not 200, too large, or not PEM X.509
     */
    public Path fetch(String uri, CallTimeouts timeouts) {
        return write(checked(download(uri, timeouts), uri), uri);
    }

    /**
     * @param uri the record's {@code s3://<bucket>/<key>} URI
     * @param s3 the S3 source of the connect's region, profile and endpoint
     * @param timeouts the connect's call limits
     * @return the private file holding the fetched bundle
     * @throws SourceException as {@link S3ObjectSource#get} (08001, or 28000 when denied); 08001 when the object is
     *     not PEM X.509
     */
    public Path fetch(String uri, S3ObjectSource s3, CallTimeouts timeouts) {
        return write(checked(s3.get(uri, MAX_BYTES, timeouts), uri), uri);
    }

    private static byte[] checked(byte[] body, String uri) {
        try {
            if (CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(body))
                    .isEmpty()) {
                throw new CertificateException("no certificate");
            }
        } catch (CertificateException e) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "the CA bundle at " + uri + " (the record's "
                    + "ssl_ca_file) is not PEM X.509 certificates. Point ssl_ca_file at a PEM CA bundle", e);
        }
        return body;
    }

    private static byte[] download(String uri, CallTimeouts timeouts) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeouts.apiCall())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri)).timeout(timeouts.apiCall()).GET().build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                int status = response.statusCode();
                if (status != 200) {
                    String message = "fetching the CA bundle " + uri + " (the record's ssl_ca_file) got HTTP "
                            + status + ". Check the URI";
                    // 429 and 5xx: the server could not answer now; any other status is its answer
                    throw status == 429 || status >= 500
                            ? SourceException.unavailable(Errors.UNABLE_TO_CONNECT, message, null)
                            : new SourceException(Errors.UNABLE_TO_CONNECT, message);
                }
                byte[] body = in.readNBytes(MAX_BYTES + 1);
                if (body.length > MAX_BYTES) {
                    throw new SourceException(Errors.UNABLE_TO_CONNECT, "the CA bundle at " + uri + " (the record's "
                            + "ssl_ca_file) is larger than " + MAX_BYTES + " bytes; a CA bundle is far smaller. "
                            + "Check the URI");
                }
                return body;
            }
        } catch (HttpTimeoutException e) {
            throw SourceException.unavailable(Errors.UNABLE_TO_CONNECT, "fetching the CA bundle " + uri
                    + " (the record's ssl_ca_file) timed out after " + timeouts.apiCall().toMillis()
                    + " ms (awsApiCallTimeout). Check the network, or raise awsApiCallTimeout", e);
        } catch (IOException e) {
            throw SourceException.unavailable(Errors.UNABLE_TO_CONNECT, "fetching the CA bundle " + uri
                    + " (the record's ssl_ca_file) failed: " + e.getClass().getSimpleName() + ". Check the URI, the "
                    + "network, and that the server's certificate is trusted by the JVM's trust store", e);
        } catch (IllegalArgumentException e) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "the CA bundle URI " + uri + " (the record's "
                    + "ssl_ca_file) cannot be fetched: " + e.getClass().getSimpleName() + ". Fix the URI", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SourceException.unavailable(Errors.UNABLE_TO_CONNECT, "fetching the CA bundle " + uri + " was "
                    + "interrupted", e);
        }
    }

    private synchronized Path write(byte[] body, String uri) {
        if (closed) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "the driver's engine is closed; the CA bundle "
                    + uri + " is not written");
        }
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("lava-pg-ca-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                dir.toFile().deleteOnExit(); // a JVM that exits without closing its engine (the CLI) cleans up too
            }
            Path file = dir.resolve("ca-" + files.incrementAndGet() + ".pem");
            try {
                Files.createFile(file,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException e) {
                throw new IOException("unexpected file " + file, e);
            }
            file.toFile().deleteOnExit(); // registered after the directory, so deleted before it
            Files.write(file, body);
            return file;
        } catch (IOException | UnsupportedOperationException e) {
            throw SourceException.unavailable(Errors.UNABLE_TO_CONNECT, "cannot write the CA bundle " + uri + " to a "
                    + "private file under java.io.tmpdir: " + e.getClass().getSimpleName() + ". Check that "
                    + "directory", e);
        }
    }

    /** Deletes the private directory and its files. Idempotent; never throws. */
    @Override
    public synchronized void close() {
        closed = true;
        Path d = dir;
        dir = null;
        if (d == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(d)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }
}
