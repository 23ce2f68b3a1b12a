package io.lava.jdbc.internal.engine;

import io.lava.jdbc.internal.Errors;
import io.lava.jdbc.internal.SourceException;
import io.lava.jdbc.internal.request.AwsSettings;
import io.lava.jdbc.internal.request.CallTimeouts;
import io.lava.jdbc.internal.request.ConnectionOptions;
import io.lava.jdbc.internal.record.ConnectionRecord;
import io.lava.jdbc.internal.sources.ParameterSource;
import io.lava.jdbc.internal.sources.RecordSource;
import io.lava.jdbc.internal.record.SecretFields;
import io.lava.jdbc.internal.sources.SecretSource;
import io.lava.jdbc.internal.sources.Sources;
import io.lava.jdbc.internal.sources.TokenSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-memory {@link Sources} for engine and resolver unit tests: records by conn_id, SSM values by name, secrets by id,
 * and a token signer; every read counted, any item made to fail.
 */
final class FakeSources implements Sources {
    final Map<String, Map<String, Object>> records = new ConcurrentHashMap<>();
    final Map<String, String> parameters = new ConcurrentHashMap<>();
    final Map<String, String> secrets = new ConcurrentHashMap<>();
    /** Item name (conn_id, parameter name, secret id, or {@code "token"}) to the failure its next reads throw. */
    final Map<String, RuntimeException> failures = new ConcurrentHashMap<>();
    /** Item name to what runs when it is read, before anything else (e.g. to hold a read until another one starts). */
    final Map<String, Runnable> onRead = new ConcurrentHashMap<>();
    final AtomicInteger recordReads = new AtomicInteger();
    final AtomicInteger parameterReads = new AtomicInteger();
    final AtomicInteger secretReads = new AtomicInteger();
    final AtomicInteger mints = new AtomicInteger();
    volatile boolean closed;

    private final RecordSource recordSource = new RecordSource() {
        @Override
        public ConnectionRecord get(String connId, CallTimeouts timeouts) {
            recordReads.incrementAndGet();
            fail(connId);
            Map<String, Object> r = records.get(connId);
            if (r == null) {
                throw new SourceException(Errors.UNABLE_TO_CONNECT, "no such connection in " + describe());
            }
            return ConnectionRecord.of(connId, r);
        }

        @Override
        public String describe() {
            return "fake records";
        }
    };

    private final ParameterSource parameterSource = (name, timeouts) -> {
        parameterReads.incrementAndGet();
        fail(name);
        String value = parameters.get(name);
        if (value == null) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "SSM parameter '" + name + "' does not exist");
        }
        return value;
    };

    private final SecretSource secretSource = (id, timeouts) -> {
        secretReads.incrementAndGet();
        fail(id);
        String value = secrets.get(id);
        if (value == null) {
            throw new SourceException(Errors.UNABLE_TO_CONNECT, "secret '" + id + "' does not exist");
        }
        return SecretFields.parse(id, value);
    };

    private final TokenSource tokenSource = new TokenSource() {
        @Override
        public String mint(String host, int port, String user) {
            fail("token");
            return "token-" + mints.incrementAndGet() + "-for-" + user + "@" + host + ":" + port;
        }

        @Override
        public String identity() {
            return "AKIDFAKE";
        }

        @Override
        public String describe() {
            return "fake-region";
        }
    };

    private void fail(String item) {
        Runnable hook = onRead.get(item);
        if (hook != null) {
            hook.run();
        }
        RuntimeException failure = failures.get(item);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public RecordSource records(ConnectionOptions options) {
        return recordSource;
    }

    @Override
    public ParameterSource parameters(AwsSettings aws) {
        return parameterSource;
    }

    @Override
    public SecretSource secrets(AwsSettings aws) {
        return secretSource;
    }

    @Override
    public TokenSource tokens(AwsSettings aws) {
        return tokenSource;
    }

    @Override
    public void close() {
        closed = true;
    }
}
