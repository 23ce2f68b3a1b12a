package io.lava.jdbc.examples.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The class paths of row 5's AWS drivers. Each is the driver's own jars, as this module's build lists them
 * ({@code dependency:build-classpath}: {@code target/aws-wrapper.classpath}, the wrapper's jar, whose dependencies
 * are all optional; {@code target/secretsmanager-jdbc.classpath}, the library, its cache, annotations and Jackson),
 * then pgjdbc's jar, then the AWS SDK as the driver's runtime set has it (same SDK version for every driver; the
 * wrapper's IAM plugin needs the SDK's {@code rds} module, the library its {@code secretsmanager} module and an HTTP
 * client, here {@code url-connection-client}). Jars a driver never opens cost it nothing but a place on the path.
 *
 * @param sizes the driver's jars
 * @param wrapper the AWS Advanced JDBC Wrapper's class path
 * @param secretsManagerJdbc the AWS Secrets Manager JDBC driver's class path
 */
record AlternativeJars(Sizes sizes, List<Path> wrapper, List<Path> secretsManagerJdbc) {

    /**
     * @param moduleDir this module's directory
     * @param sizes the driver's jars
     * @return the class paths
     * @throws IOException when a class path file is missing (run {@code package} first)
     */
    static AlternativeJars find(Path moduleDir, Sizes sizes) throws IOException {
        List<Path> sdk = new ArrayList<>(sizes.runtimeJars());
        sdk.remove(sizes.thinJar());
        sdk.remove(sizes.pgjdbcJar());
        return new AlternativeJars(sizes, with(Sizes.readClasspath(moduleDir.resolve("target/aws-wrapper.classpath")),
                sizes.pgjdbcJar(), sdk), with(Sizes.readClasspath(moduleDir.resolve(
                        "target/secretsmanager-jdbc.classpath")), sizes.pgjdbcJar(), sdk));
    }

    private static List<Path> with(List<Path> own, Path pgjdbc, List<Path> sdk) {
        List<Path> all = new ArrayList<>(own);
        all.add(pgjdbc);
        all.addAll(sdk);
        return List.copyOf(all);
    }

    /** @return how the table names the wrapper's class path */
    String wrapperLabel() {
        return label(wrapper);
    }

    /** @return how the table names the library's class path */
    String secretsManagerJdbcLabel() {
        return label(secretsManagerJdbc);
    }

    private String label(List<Path> jars) {
        int sdk = sizes.runtimeJars().size() - 2;
        return (jars.size() - sdk - 1) + " own jars + pgjdbc + " + sdk + " jars of the driver's AWS SDK set";
    }
}
