package io.lava.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.internal.Metrics;
import io.lava.jdbc.internal.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Driver;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The versions the driver reports agree: {@link Driver#getMajorVersion()} and {@code getMinorVersion()}, the MXBean,
 * the command line's {@code --version} (through {@link Version}) and the build's {@code version.properties}.
 */
class VersionTest {
    @Test
    void theDriverReportsTheProjectVersion() {
        String project = System.getProperty("lava.projectVersion");
        assertThat(project).as("lava.projectVersion, set by the driver's surefire configuration").isNotBlank();
        assertThat(Version.FULL).isEqualTo(project);
        String[] numbers = project.split("[.-]");
        Driver driver = new LavaPgDriver();
        assertThat(driver.getMajorVersion()).isEqualTo(Version.MAJOR).isEqualTo(Integer.parseInt(numbers[0]));
        assertThat(driver.getMinorVersion()).isEqualTo(Version.MINOR).isEqualTo(Integer.parseInt(numbers[1]));
        assertThat(driver.toString()).isEqualTo("lava-pg-jdbc " + project);
        LavaPgDriverMXBean mbean = new Metrics();
        assertThat(mbean.getVersion()).isEqualTo(project);
        assertThat(mbean.getCommit()).isEqualTo(Version.COMMIT);
    }

    @Test
    void theCommitIsTheCheckoutsHead() throws IOException, InterruptedException {
        assertThat(Version.COMMIT).matches("[0-9a-f]{40}|unknown");
        Process git;
        try {
            git = new ProcessBuilder("git", "rev-parse", "HEAD")
                    .directory(Path.of(System.getProperty("basedir", ".")).toFile()).redirectErrorStream(false)
                    .start();
        } catch (IOException noGit) {
            assertThat(Version.COMMIT).isEqualTo("unknown");
            return;
        }
        String head = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
        if (git.exitValue() == 0) {
            assertThat(Version.COMMIT).as("the commit built, as git rev-parse HEAD says").isEqualTo(head);
        } else {
            assertThat(Version.COMMIT).isEqualTo("unknown");
        }
    }

    @Test
    void pgjdbcAndTheAwsSdkAreTheOnesOnTheClassPath() {
        assertThat(Version.pgjdbc()).isEqualTo(org.postgresql.util.DriverInfo.DRIVER_VERSION).startsWith("42.");
        assertThat(Version.awsSdk()).isEqualTo(software.amazon.awssdk.core.util.VersionInfo.SDK_VERSION)
                .startsWith("2.");
    }
}
