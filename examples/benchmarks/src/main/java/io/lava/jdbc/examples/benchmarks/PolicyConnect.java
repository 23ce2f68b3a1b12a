package io.lava.jdbc.examples.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Row 1p: row 1's warm connect ({@code bench/warm}: password from SSM, every cache warm) with an operator policy in
 * force, paired with the same warm connect without one, and its control 1pc, the warm connect without a policy paired
 * with itself across JVMs.
 *
 * <p>The driver's engine reads the policy once, when it starts, and there is one engine per class loader, so the
 * variants need JVMs of their own. Each round starts three child JVMs ({@link PolicyConnectChild}, the JMH forks' class
 * path and heap): <em>plain</em> ({@code jdbc:lava-pg:bench/warm?awsEndpointUrl=...&awsRegion=us-east-1}, no policy),
 * <em>policy</em> ({@code -Dio.lava.jdbc.policy=<work>/policy.properties}, {@link #policyText}; the URL is
 * {@code jdbc:lava-pg:bench/warm}, since the policy fixes the endpoint and region) and <em>control</em> (as plain).
 * After one warming connect each, the harness drives them in lockstep: each step asks every JVM in turn for one
 * open-and-close, timed inside the JVM with {@link System#nanoTime()}, the order running through all six permutations
 * ({@link #order}) so each JVM goes before the other equally often. The connects of a step are milliseconds apart,
 * so load from other processes hits all three and cancels out of the ratios policy / plain and control / plain, as
 * in row 1. Steps are discarded (JIT warm-up) until each JVM has spent {@code warmupIterations x iterationMillis}
 * connecting, as a JMH fork's warm-up does (so about three times that in wall time); the steps of the next
 * {@code measurementIterations x iterationMillis} are kept; each round starts fresh JVMs, launched in a rotated order, so
 * what one JVM's JIT happened to do does not decide the ratio. The pairs of all rounds give the ratio and its 95%
 * interval ({@link PairStats}); the notes list each round's own median ratio.
 */
final class PolicyConnect {
    static final int PLAIN = 0;
    static final int POLICY = 1;
    static final int CONTROL = 2;
    private static final String[] NAMES = {"plain", "policy", "control"};
    private static final long START_TIMEOUT_SECONDS = 120;

    /**
     * The properties a URL may set under a policy that names no {@code allowedProperties} (the driver's default,
     * docs/security.md); {@code bench/warm} needs no other.
     */
    static final List<String> DEFAULT_ALLOWED_PROPERTIES = List.of("ApplicationName", "connectTimeout",
            "socketTimeout", "loginTimeout", "tcpKeepAlive", "defaultRowFetchSize", "prepareThreshold",
            "reWriteBatchedInserts", "readOnly", "currentSchema", "stringtype", "sslmode");

    /**
     * @param policy pairs policy / plain of every round
     * @param control pairs control / plain of every round
     * @param policyRounds the median per-pair ratio policy / plain of each round
     * @param controlRounds the median per-pair ratio control / plain of each round
     * @param sameUrl whether the policy JVMs used the others' URL ({@code bench.policySameUrl})
     * @param policyNote AWS calls, token mints and reused resolutions of the policy JVMs while measured
     * @param plainNote the same of the plain JVMs
     */
    record Outcome(PairStats policy, PairStats control, double[] policyRounds, double[] controlRounds,
                   boolean sameUrl, String policyNote, String plainNote) {
    }

    private PolicyConnect() {
    }

    /**
     * @param env the servers
     * @param fixture the fixture file the children read
     * @param settings rounds and the length of warm-up and measurement
     * @param classpath the children's class path (the JMH forks')
     * @param work where the policy file and the children's error output go
     * @return the pairs and their summary
     * @throws IOException when a child cannot start or a connect fails (the message quotes the child)
     * @throws InterruptedException when interrupted
     */
    static Outcome run(BenchEnv env, Path fixture, BenchSettings settings, String classpath, Path work)
            throws IOException, InterruptedException {
        Path policyFile = work.resolve("policy.properties");
        Files.writeString(policyFile, policyText(env, settings.policySameUrl()), StandardCharsets.UTF_8);
        String plainUrl = env.lavaUrl(BenchEnv.WARM);
        String policyUrl = settings.policySameUrl() ? plainUrl : "jdbc:lava-pg:" + BenchEnv.REALM + "/" + BenchEnv.WARM;
        int rounds = settings.policyRounds();
        long warmupNanos = TimeUnit.MILLISECONDS.toNanos((long) settings.warmupIterations()
                * settings.iterationMillis());
        long measureNanos = TimeUnit.MILLISECONDS.toNanos((long) settings.measurementIterations()
                * settings.iterationMillis());

        List<long[]> samples = new ArrayList<>();
        List<Integer> roundOf = new ArrayList<>();
        long[] policyCounters = new long[3];
        long[] plainCounters = new long[3];
        for (int round = 0; round < rounds; round++) {
            Child[] children = new Child[3];
            try {
                for (int kind : ColdStart.rotation(List.of(PLAIN, POLICY, CONTROL), round)) {
                    List<String> jvm = new ArrayList<>(List.of("-Xms1g", "-Xmx1g",
                            "-D" + BenchEnv.FIXTURE_PROPERTY + "=" + fixture.toAbsolutePath()));
                    if (kind == POLICY) {
                        jvm.add("-Dio.lava.jdbc.policy=" + policyFile.toAbsolutePath());
                    }
                    children[kind] = Child.start(NAMES[kind], jvm, classpath, kind == POLICY ? policyUrl : plainUrl,
                            work);
                }
                for (int kind = 0; kind < 3; kind++) {
                    String expected = kind == POLICY ? policyFile.toAbsolutePath().toString() : "-";
                    if (!children[kind].policy.equals(expected)) {
                        throw new IOException(NAMES[kind] + " JVM: policy in force '" + children[kind].policy
                                + "', expected '" + expected + "'");
                    }
                }
                long step = 0;
                long[] warm = new long[3];
                while (Math.min(warm[PLAIN], Math.min(warm[POLICY], warm[CONTROL])) < warmupNanos) {
                    long[] nanos = step(children, step++);
                    for (int kind = 0; kind < 3; kind++) {
                        warm[kind] += nanos[kind];
                    }
                }
                long end;
                long[] policyBefore = children[POLICY].counters();
                long[] plainBefore = children[PLAIN].counters();
                end = System.nanoTime() + measureNanos;
                while (System.nanoTime() < end) {
                    samples.add(step(children, step++));
                    roundOf.add(round);
                }
                add(policyCounters, policyBefore, children[POLICY].counters());
                add(plainCounters, plainBefore, children[PLAIN].counters());
            } finally {
                for (Child c : children) {
                    if (c != null) {
                        c.close();
                    }
                }
            }
        }
        if (samples.isEmpty()) {
            throw new IOException("no step completed while measuring");
        }
        double[] policyRounds = new double[rounds];
        double[] controlRounds = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            List<long[]> of = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                if (roundOf.get(i) == round) {
                    of.add(samples.get(i));
                }
            }
            policyRounds[round] = of.isEmpty() ? Double.NaN : stats(of, POLICY).ratio();
            controlRounds[round] = of.isEmpty() ? Double.NaN : stats(of, CONTROL).ratio();
        }
        return new Outcome(stats(samples, POLICY), stats(samples, CONTROL), policyRounds, controlRounds,
                settings.policySameUrl(), counters(policyCounters), counters(plainCounters));
    }

    /**
     * The operator policy of row 1p: realm {@code bench} only, the server's host only, the AWS endpoint and region
     * fixed, at least the record's {@code verify-full}, and the default allowed properties (the URL sets none).
     *
     * @param env the servers
     * @param sameUrl whether the policy JVM's URL is the others' ({@code bench.policySameUrl}): then the policy also
     *     allows {@code awsEndpointUrl} and {@code awsRegion} in the URL (and still replaces them with its own)
     * @return the policy file's text
     */
    static String policyText(BenchEnv env, boolean sameUrl) {
        return "# Operator policy of benchmark row 1p: what the owner of a shared process fixes for realm "
                + BenchEnv.REALM + "\n"
                + "allowedRealms = " + BenchEnv.REALM + "\n"
                + "allowedHosts = " + escape(env.pgHost()) + "\n"
                + "awsEndpointUrl = " + escape(env.awsEndpoint()) + "\n"
                + "awsRegion = " + BenchEnv.REGION + "\n"
                + "minimumSslMode = verify-full\n"
                + "allowedProperties = " + String.join(", ", DEFAULT_ALLOWED_PROPERTIES)
                + (sameUrl ? ", awsEndpointUrl, awsRegion" : "") + "\n";
    }

    /** A value as {@link java.util.Properties#load(java.io.Reader)} reads it back: backslashes doubled. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\");
    }

    /**
     * @param step the step, from 0
     * @return the order of the three JVMs in that step: the six permutations of {@link #PLAIN}, {@link #POLICY},
     *     {@link #CONTROL} in turn, so each JVM goes before each other one in half the steps of every six
     */
    static int[] order(long step) {
        return PERMUTATIONS[(int) (step % PERMUTATIONS.length)];
    }

    private static final int[][] PERMUTATIONS = {
        {PLAIN, POLICY, CONTROL}, {POLICY, CONTROL, PLAIN}, {CONTROL, PLAIN, POLICY},
        {PLAIN, CONTROL, POLICY}, {CONTROL, POLICY, PLAIN}, {POLICY, PLAIN, CONTROL}};

    private static long[] step(Child[] children, long step) throws IOException {
        long[] nanos = new long[3];
        for (int kind : order(step)) {
            nanos[kind] = children[kind].connect();
        }
        return nanos;
    }

    /**
     * @param samples steps, each {@code [plain, policy, control]} nanoseconds
     * @param kind {@link #POLICY} or {@link #CONTROL}
     * @return the pairs {@code kind} / plain
     */
    static PairStats stats(List<long[]> samples, int kind) {
        long[] first = new long[samples.size()];
        long[] second = new long[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            first[i] = samples.get(i)[kind];
            second[i] = samples.get(i)[PLAIN];
        }
        return PairStats.of(first, second);
    }

    private static void add(long[] sum, long[] before, long[] after) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += after[i] - before[i];
        }
    }

    private static String counters(long[] c) {
        return c[0] + " AWS calls, " + c[1] + " token mints, " + c[2] + " resolutions reused while measured";
    }

    /**
     * @param line a {@code metrics <AWS calls> <token mints> <resolutions reused>} line of {@link PolicyConnectChild}
     * @return the three numbers
     * @throws IOException when the line is anything else (the child's error, quoted)
     */
    static long[] parseMetrics(String line) throws IOException {
        String[] parts = line == null ? new String[0] : line.trim().split(" ");
        if (parts.length != 4 || !parts[0].equals("metrics")) {
            throw new IOException("unexpected answer to m: " + line);
        }
        try {
            return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3])};
        } catch (NumberFormatException e) {
            throw new IOException("unexpected answer to m: " + line, e);
        }
    }

    /**
     * @param line the answer of {@link PolicyConnectChild} to {@code c}: nanoseconds, or {@code error <reason>}
     * @return the nanoseconds
     * @throws IOException when the connect failed or the line is anything else
     */
    static long parseNanos(String line) throws IOException {
        if (line == null) {
            throw new IOException("child ended before answering");
        }
        try {
            long nanos = Long.parseLong(line.trim());
            if (nanos > 0) {
                return nanos;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IOException(line.startsWith("error ") ? "connect failed: " + line.substring(6)
                : "unexpected answer to c: " + line);
    }

    /** One child JVM and its pipes. */
    private static final class Child implements AutoCloseable {
        private final String name;
        private final Process process;
        private final BufferedReader in;
        private final Writer out;
        private final Path errors;
        private final String policy;

        private Child(String name, Process process, Path errors) throws IOException {
            this.name = name;
            this.process = process;
            this.errors = errors;
            this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.out = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            String ready = in.readLine();
            while (ready != null && !ready.startsWith("ready ")) {
                ready = in.readLine();
            }
            if (ready == null || !ready.startsWith("ready ")) {
                throw failure("did not start: " + ready);
            }
            this.policy = ready.substring("ready ".length());
        }

        static Child start(String name, List<String> jvm, String classpath, String url, Path work)
                throws IOException {
            Path errors = work.resolve("policy-connect-" + name + ".err");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvm);
            command.addAll(List.of("-cp", classpath, PolicyConnectChild.class.getName(), url));
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(errors.toFile());
            Map<String, String> environment = pb.environment();
            environment.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("LAVA_") || k.startsWith("PG"));
            return new Child(name, pb.start(), errors);
        }

        long connect() throws IOException {
            out.write("c\n");
            out.flush();
            try {
                return parseNanos(in.readLine());
            } catch (IOException e) {
                throw failure(e.getMessage());
            }
        }

        long[] counters() throws IOException {
            out.write("m\n");
            out.flush();
            return parseMetrics(in.readLine());
        }

        private IOException failure(String what) throws IOException {
            String err = "";
            if (Files.isRegularFile(errors)) {
                err = Files.readString(errors, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
                        .findFirst().map(l -> " (" + l + ")").orElse("");
            }
            return new IOException(name + " JVM: " + what + err);
        }

        @Override
        public void close() {
            try {
                out.write("q\n");
                out.flush();
            } catch (IOException e) {
                // already gone
            }
            try {
                if (!process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return {@code 1.004, 0.998, 1.010} */
    static String rounds(double[] ratios) {
        StringBuilder s = new StringBuilder();
        for (double r : ratios) {
            s.append(s.length() == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.3f", r));
        }
        return s.toString();
    }
}
