package io.lava.jdbc.examples.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts one child JVM of row 5 and times it: this JDK's {@code java}, a clean environment (no {@code AWS_*},
 * {@code LAVA_*} or {@code PG*} variables of the harness) with dummy AWS credentials ({@code AWS_ACCESS_KEY_ID},
 * {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_EC2_METADATA_DISABLED}) plus the variant's own variables. The child's error
 * output goes to {@code <work>/cold-start-<id>.err}, whose first line a failure quotes.
 */
final class ColdStartChild {
    private static final long TIMEOUT_SECONDS = 60;
    private static final Pattern PEAK = Pattern.compile("^VmHWM:\\s*(\\d+)\\s*kB");

    /**
     * @param nanos from process start until the probe printed {@code ok}, or until a non-probe child exited with 0
     * @param peakKib the child's peak RSS in KiB, or {@code -1} when unknown (a non-probe child, not Linux)
     */
    record Sample(long nanos, long peakKib) {
    }

    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final Path work;

    /** @param work where the error output goes */
    ColdStartChild(Path work) {
        this.work = work;
    }

    /**
     * @param v the variant
     * @param extra JVM options of this run only (counters, class-load log, agent)
     * @return the time and peak RSS
     * @throws IOException when the child cannot start, times out, or fails (the message quotes its error output)
     * @throws InterruptedException when interrupted
     */
    Sample run(ColdStartVariant v, List<String> extra) throws IOException, InterruptedException {
        Path errors = work.resolve("cold-start-" + v.id() + ".err");
        ProcessBuilder pb = new ProcessBuilder(v.command(java, extra)).redirectError(errors.toFile());
        if (!v.probe()) {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        Map<String, String> environment = pb.environment();
        environment.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("LAVA_") || k.startsWith("PG"));
        environment.put("AWS_ACCESS_KEY_ID", BenchEnv.ACCESS_KEY_ID);
        environment.put("AWS_SECRET_ACCESS_KEY", BenchEnv.SECRET_ACCESS_KEY);
        environment.put("AWS_EC2_METADATA_DISABLED", "true");
        environment.putAll(v.environment());
        long start = System.nanoTime();
        Process child = pb.start();
        long elapsed = 0;
        String first = "ok";
        long peak = -1;
        if (v.probe()) {
            try (InputStream out = child.getInputStream();
                 BufferedReader reader = new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8))) {
                first = reader.readLine();
                elapsed = System.nanoTime() - start;
                peak = peakKib(reader.readLine());
            }
        }
        if (!child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new IOException(v.id() + ": child did not exit within " + TIMEOUT_SECONDS + " s");
        }
        elapsed = v.probe() ? elapsed : System.nanoTime() - start;
        if (!"ok".equals(first) || child.exitValue() != 0) {
            String err = Files.readString(errors, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
                    .findFirst().orElse("");
            throw new IOException(v.id() + ": child failed (exit " + child.exitValue() + "): " + err);
        }
        return new Sample(elapsed, peak);
    }

    /**
     * @param line a {@code VmHWM:} line of {@code /proc/<pid>/status}, e.g. {@code VmHWM: 81234 kB}
     * @return the KiB, or {@code -1} for {@code null}, {@code VmHWM: -} or anything else
     */
    static long peakKib(String line) {
        if (line == null) {
            return -1;
        }
        Matcher m = PEAK.matcher(line.trim());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Copies the probe's class file alone into {@code dir}, so the child's class path holds nothing else of ours. */
    static Path copyProbe(Path dir) throws IOException {
        return copyProbe(dir, ColdStartProbe.class);
    }

    /**
     * @param dir where the class files go
     * @param classes the classes of one kind of child, and nothing else of ours
     * @return {@code dir}
     */
    static Path copyProbe(Path dir, Class<?>... classes) throws IOException {
        for (Class<?> c : classes) {
            String resource = resource(c);
            Path target = dir.resolve(resource);
            Files.createDirectories(target.getParent());
            Files.write(target, bytes(resource));
        }
        return dir;
    }

    /** Writes {@code dir/peak-rss-agent.jar}: {@link PeakRssAgent} alone, named as {@code Premain-Class}. */
    static Path agentJar(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path jar = dir.resolve("peak-rss-agent.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), PeakRssAgent.class.getName());
        String resource = resource(PeakRssAgent.class);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry(resource));
            out.write(bytes(resource));
            out.closeEntry();
        }
        return jar;
    }

    private static String resource(Class<?> type) {
        return type.getName().replace('.', '/') + ".class";
    }

    private static byte[] bytes(String resource) throws IOException {
        try (InputStream in = ColdStartChild.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("class file " + resource + " not found");
            }
            return in.readAllBytes();
        }
    }
}
