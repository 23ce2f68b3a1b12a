package io.lava.jdbc.examples.benchmarks;

import io.lava.jdbc.testing.LocalAws;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Row 8: a fleet starting at once. {@code fleetSize} fresh JVMs ({@link ColdStartProbe} on the {@code -all} jar, as row
 * 5 starts them) connect through one conn_id no cache has seen, all started together, while {@code GetParameter} is held
 * to {@code fleetRate} requests a second (burst 1) by a token bucket that answers {@code ThrottlingException} when
 * empty ({@code LocalAws.rateLimit}): a scale model of 800 JVMs against SSM's default 40 requests a second. Counts
 * connects, failures, GetParameter calls and throttles, and the time from the start to the last JVM's first query.
 */
final class Fleet {
    private static final long TIMEOUT_SECONDS = 180;

    /**
     * @param size JVMs started
     * @param rate GetParameter requests a second let through
     * @param connected JVMs that ran their first query
     * @param firstFailure the first failed JVM's error output, or {@code null}
     * @param calls GetParameter requests the endpoint received
     * @param throttled of which answered ThrottlingException
     * @param wallMillis start of the first JVM to the last one's first query
     */
    record Outcome(int size, int rate, int connected, String firstFailure, int calls, int throttled,
                   long wallMillis) {
    }

    private Fleet() {
    }

    static Outcome run(Fixture fixture, Sizes sizes, int size, int rate, Path work) throws Exception {
        BenchEnv env = fixture.env();
        LocalAws aws = fixture.aws();
        Path probe = ColdStartChild.copyProbe(work.resolve("probe"));
        String url = env.lavaUrl(fixture.freshSsmRecord());
        List<String> entries = new ArrayList<>();
        entries.add(probe.toString());
        sizes.coldStartClasspath().forEach(jar -> entries.add(jar.toString()));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                String.join(File.pathSeparator, entries), ColdStartProbe.class.getName(), url);
        int callsBefore = aws.calls(Storm.GET_PARAMETER);
        int throttledBefore = aws.faults().throttled();
        List<Process> children = new ArrayList<>();
        List<Path> errors = new ArrayList<>();
        long start;
        long last;
        try (AutoCloseable limit = aws.rateLimit(Storm.GET_PARAMETER, rate, 1)) {
            start = System.nanoTime();
            for (int i = 0; i < size; i++) {
                Path err = work.resolve("fleet-" + i + ".err");
                errors.add(err);
                ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile());
                Map<String, String> environment = pb.environment();
                environment.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("LAVA_")
                        || k.startsWith("PG"));
                environment.put("AWS_ACCESS_KEY_ID", BenchEnv.ACCESS_KEY_ID);
                environment.put("AWS_SECRET_ACCESS_KEY", BenchEnv.SECRET_ACCESS_KEY);
                environment.put("AWS_EC2_METADATA_DISABLED", "true");
                children.add(pb.start());
            }
            last = start;
            int connected = 0;
            String firstFailure = null;
            for (int i = 0; i < size; i++) {
                Process child = children.get(i);
                String line;
                try (InputStream out = child.getInputStream();
                     BufferedReader reader = new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8))) {
                    line = reader.readLine();
                }
                if (!child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
                if ("ok".equals(line)) {
                    connected++;
                    last = Math.max(last, System.nanoTime());
                } else if (firstFailure == null) {
                    firstFailure = firstLine(errors.get(i));
                }
            }
            return new Outcome(size, rate, connected, firstFailure, aws.calls(Storm.GET_PARAMETER) - callsBefore,
                    aws.faults().throttled() - throttledBefore, TimeUnit.NANOSECONDS.toMillis(last - start));
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }

    private static String firstLine(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).lines()
                    .filter(l -> l.contains("SQLException") || l.contains("lava-pg")).findFirst().orElse("no output");
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
