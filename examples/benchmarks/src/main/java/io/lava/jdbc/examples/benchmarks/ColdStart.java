package io.lava.jdbc.examples.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Row 5: a fresh JVM ({@code java -cp <probe>:<driver jars> ColdStartProbe <url>}, this JDK, default flags) from
 * process start to its first successful query, timed by this process until the child prints {@code ok}.
 *
 * <p>lava-pg gets {@code jdbc:lava-pg:bench/warm?awsEndpointUrl=...&awsRegion=us-east-1} and dummy AWS credentials in
 * its environment ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_EC2_METADATA_DISABLED});
 * every run reads the record from the local DynamoDB and the password from the SSM stub over loopback HTTP, then connects
 * with {@code sslmode=verify-full}. pgjdbc alone gets its jar, the same server, role and TLS settings, and the
 * password in {@value ColdStartProbe#PASSWORD_VARIABLE}. One untimed run of each warms the OS file cache; then the
 * timed runs alternate between the two.
 */
final class ColdStart {
    private static final long TIMEOUT_SECONDS = 60;

    /**
     * @param lavaNanos lava-pg's timed runs
     * @param pgjdbcNanos pgjdbc's timed runs
     * @param classpathLabel which jars lava-pg ran from
     */
    record Outcome(long[] lavaNanos, long[] pgjdbcNanos, String classpathLabel) {
        long lavaMedian() {
            return median(lavaNanos);
        }

        long pgjdbcMedian() {
            return median(pgjdbcNanos);
        }
    }

    private ColdStart() {
    }

    /**
     * @param env the servers
     * @param sizes where the driver's jars are
     * @param runs timed runs per driver
     * @param work a directory for the probe class and the children's error output
     * @return the times
     * @throws IOException when a child cannot start or fails (the message quotes its error output)
     * @throws InterruptedException when interrupted
     */
    static Outcome run(BenchEnv env, Sizes sizes, int runs, Path work) throws IOException, InterruptedException {
        Path probe = copyProbe(work.resolve("probe"));
        List<String> lava = command(probe, sizes.coldStartClasspath(), env.lavaUrl(BenchEnv.WARM));
        String tls = "?sslmode=verify-full&sslrootcert="
                + URLEncoder.encode(env.caCertificate(), StandardCharsets.UTF_8) + "&user=" + BenchEnv.ROLE_SSM + "&ApplicationName=lv-" + BenchEnv.REALM + "-" + BenchEnv.WARM;
        List<String> pgjdbc = command(probe, List.of(sizes.pgjdbcJar()), env.serverUrl("jdbc:postgresql:") + tls);
        String password = env.password(BenchEnv.ROLE_SSM);
        Path errors = work.resolve("cold-start.err");

        once(lava, null, errors);
        once(pgjdbc, password, errors);
        long[] lavaNanos = new long[runs];
        long[] pgjdbcNanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            lavaNanos[i] = once(lava, null, errors);
            pgjdbcNanos[i] = once(pgjdbc, password, errors);
        }
        return new Outcome(lavaNanos, pgjdbcNanos, sizes.coldStartLabel());
    }

    private static List<String> command(Path probe, List<Path> jars, String url) {
        List<String> entries = new ArrayList<>();
        entries.add(probe.toString());
        jars.forEach(jar -> entries.add(jar.toString()));
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                String.join(File.pathSeparator, entries), ColdStartProbe.class.getName(), url);
    }

    /** Starts the child and returns the nanoseconds until it printed {@code ok}. */
    private static long once(List<String> command, String password, Path errors)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(errors.toFile());
        Map<String, String> environment = pb.environment();
        environment.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("LAVA_") || k.startsWith("PG"));
        environment.put("AWS_ACCESS_KEY_ID", BenchEnv.ACCESS_KEY_ID);
        environment.put("AWS_SECRET_ACCESS_KEY", BenchEnv.SECRET_ACCESS_KEY);
        environment.put("AWS_EC2_METADATA_DISABLED", "true");
        if (password != null) {
            environment.put(ColdStartProbe.PASSWORD_VARIABLE, password);
        }
        long start = System.nanoTime();
        Process child = pb.start();
        String line;
        try (InputStream out = child.getInputStream();
             BufferedReader reader = new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8))) {
            line = reader.readLine();
        }
        long elapsed = System.nanoTime() - start;
        if (!child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new IOException("cold-start child did not exit within " + TIMEOUT_SECONDS + " s");
        }
        if (!"ok".equals(line) || child.exitValue() != 0) {
            String err = Files.readString(errors, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            throw new IOException("cold-start child failed (exit " + child.exitValue() + "): " + err);
        }
        return elapsed;
    }

    /** Copies the probe's class file alone into {@code dir}, so the child's class path holds nothing else of ours. */
    static Path copyProbe(Path dir) throws IOException {
        String resource = ColdStartProbe.class.getName().replace('.', '/') + ".class";
        Path target = dir.resolve(resource);
        Files.createDirectories(target.getParent());
        try (InputStream in = ColdStartProbe.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("class file " + resource + " not found");
            }
            Files.write(target, in.readAllBytes());
        }
        return dir;
    }

    static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
