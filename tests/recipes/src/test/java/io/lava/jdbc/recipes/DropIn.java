package io.lava.jdbc.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The drop-in jar of this build, and jars of the test class path, for the recipes run in a JVM of their own. */
final class DropIn {
    private DropIn() {
    }

    /** @return {@code lava-pg-jdbc-<version>-all.jar} of this build (copied by the pom before the tests run) */
    static Path jar() {
        Path jar = Path.of(System.getProperty("lava.allJar", "target/lava-pg-jdbc-all.jar"));
        assertThat(jar).as("the -all jar (copied from the driver module by mvn verify)").isRegularFile();
        return jar;
    }

    /** @return the entries of the test class path whose file name starts with one of {@code prefixes} */
    static List<Path> testClassPath(String... prefixes) {
        List<Path> jars = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .filter(p -> Stream.of(prefixes).anyMatch(prefix -> p.getFileName().toString().startsWith(prefix)))
                .toList();
        assertThat(jars).as("jars %s on the test class path", List.of(prefixes)).hasSizeGreaterThanOrEqualTo(
                prefixes.length);
        return jars;
    }
}
