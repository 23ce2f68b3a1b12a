package io.lava.jdbc.examples.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Row 6, and the class paths of row 5: the driver's thin jar, its {@code -all} jar if another build made one
 * ({@code driver/target/lava-pg-jdbc-<version>-all.jar}), and its runtime dependency set as a user of the artifact
 * gets it (optional dependencies left out), which this module's build writes to
 * {@code target/driver-runtime.classpath} ({@code dependency:build-classpath}, runtime scope: the driver is this
 * module's only compile-scope dependency).
 *
 * @param thinJar the driver's own jar
 * @param allJar the {@code -all} jar, or {@code null} when none was built
 * @param runtimeJars the thin jar and every jar it needs at run time
 * @param pgjdbcJar pgjdbc's jar, one of the runtime jars
 */
record Sizes(Path thinJar, Path allJar, List<Path> runtimeJars, Path pgjdbcJar) {

    /**
     * @param moduleDir this module's directory
     * @param version the driver's version
     * @return the jars
     * @throws IOException when the class path file is missing (run {@code package} first) or lists no driver jar
     */
    static Sizes find(Path moduleDir, String version) throws IOException {
        Path classpathFile = moduleDir.resolve("target/driver-runtime.classpath");
        if (!Files.isRegularFile(classpathFile)) {
            throw new IOException(classpathFile + " is missing: run the documented command, which packages first");
        }
        List<Path> jars = readClasspath(classpathFile);
        Path thin = find(jars, "lava-pg-jdbc-" + version + ".jar", classpathFile);
        Path pgjdbc = find(jars, "postgresql-", classpathFile);
        Path all = moduleDir.resolve("../../driver/target/lava-pg-jdbc-" + version + "-all.jar").normalize();
        return new Sizes(thin, Files.isRegularFile(all) ? all : null, List.copyOf(jars), pgjdbc);
    }

    /**
     * @param classpathFile a file {@code dependency:build-classpath} wrote
     * @return its entries
     * @throws IOException when it is missing
     */
    static List<Path> readClasspath(Path classpathFile) throws IOException {
        if (!Files.isRegularFile(classpathFile)) {
            throw new IOException(classpathFile + " is missing: run the documented command, which packages first");
        }
        List<Path> jars = new ArrayList<>();
        for (String entry : Files.readString(classpathFile, StandardCharsets.UTF_8).trim().split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                jars.add(Path.of(entry.trim()));
            }
        }
        return List.copyOf(jars);
    }

    private static Path find(List<Path> jars, String prefix, Path classpathFile) throws IOException {
        for (Path jar : jars) {
            String name = jar.getFileName().toString();
            if (name.startsWith(prefix) && name.endsWith(".jar") && Files.isRegularFile(jar)) {
                return jar;
            }
        }
        throw new IOException(classpathFile + " has no jar named " + prefix + "*: run the documented command, which "
                + "packages the driver first");
    }

    /** @return the bytes of every runtime jar, the thin jar included */
    long runtimeBytes() throws IOException {
        long sum = 0;
        for (Path jar : runtimeJars) {
            sum += Files.size(jar);
        }
        return sum;
    }

    /** @return the class path row 5 gives the driver's child JVM: the {@code -all} jar, else the runtime jars */
    List<Path> coldStartClasspath() {
        return allJar != null ? List.of(allJar) : runtimeJars;
    }

    /** @return how the table names that class path */
    String coldStartLabel() {
        return allJar != null ? "-all jar only"
                : "no -all jar built: thin jar + " + (runtimeJars.size() - 1) + " runtime dependency jars";
    }
}
