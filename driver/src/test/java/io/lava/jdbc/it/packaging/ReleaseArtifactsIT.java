package io.lava.jdbc.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lava.jdbc.internal.Version;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * What a release publishes beside the classes, as every build makes it: the project's own licence and notice in both
 * jars, and the CycloneDX SBOMs: the -all jar's, inside it as {@code META-INF/sbom/bom.json}, names every artifact
 * the jar bundles (relocated or not) with its version and licence; the thin jar's is
 * {@code target/lava-pg-jdbc-<version>-cyclonedx.json}.
 */
public class ReleaseArtifactsIT {
    private static final String SBOM = "META-INF/sbom/bom.json";
    private static final List<String> SDK_MODULES = List.of("sdk-core", "dynamodb", "ssm", "secretsmanager", "rds",
            "sts", "sso", "ssooidc", "signin", "s3", "url-connection-client", "auth", "regions", "aws-core");

    private static Path target() {
        return Path.of(System.getProperty("basedir", "."), "target");
    }

    private static Path thinJar() {
        return target().resolve("lava-pg-jdbc-" + Version.FULL + ".jar");
    }

    @Test
    void bothJarsCarryTheProjectsLicenceAndNotice() throws IOException {
        Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
        for (Path jarFile : List.of(thinJar(), ShadedJarIT.allJar())) {
            try (JarFile jar = new JarFile(jarFile.toFile())) {
                for (String name : List.of("LICENSE", "NOTICE")) {
                    assertThat(entry(jar, "META-INF/lava-pg-jdbc/" + name)).as("%s in %s", name, jarFile.getFileName())
                            .isEqualTo(Files.readString(root.resolve(name)));
                }
            }
        }
    }

    @Test
    void theAllJarsSbomNamesWhatItBundles() throws IOException {
        JsonNode bom;
        try (JarFile jar = new JarFile(ShadedJarIT.allJar().toFile())) {
            bom = new ObjectMapper().readTree(entry(jar, SBOM));
        }
        assertThat(bom.path("bomFormat").asText()).isEqualTo("CycloneDX");
        JsonNode self = bom.path("metadata").path("component");
        assertThat(self.path("group").asText() + ":" + self.path("name").asText() + ":" + self.path("version").asText())
                .isEqualTo("io.lava:lava-pg-jdbc:" + Version.FULL);
        assertThat(licences(self)).contains("Apache-2.0");

        List<JsonNode> components = new ArrayList<>();
        bom.path("components").forEach(components::add);
        assertThat(components).as("every component has a version and a licence").allSatisfy(c -> {
            assertThat(c.path("version").asText()).as(c.path("name").asText()).isNotBlank();
            assertThat(licences(c)).as(c.path("name").asText()).isNotEmpty();
        });

        assertThat(component(components, "org.postgresql", "postgresql").path("version").asText())
                .isEqualTo(org.postgresql.util.DriverInfo.DRIVER_VERSION);
        assertThat(licences(component(components, "org.postgresql", "postgresql"))).contains("BSD-2-Clause");
        for (String module : SDK_MODULES) {
            JsonNode sdk = component(components, "software.amazon.awssdk", module);
            assertThat(sdk.path("version").asText()).as(module)
                    .isEqualTo(software.amazon.awssdk.core.util.VersionInfo.SDK_VERSION);
            assertThat(licences(sdk)).as(module).contains("Apache-2.0");
        }
        JsonNode caffeine = component(components, "com.github.ben-manes.caffeine", "caffeine");
        assertThat(caffeine.path("version").asText()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(licences(caffeine)).contains("Apache-2.0");
        assertThat(licences(component(components, "info.picocli", "picocli"))).contains("Apache-2.0");

        // every artifact the jar holds classes of, relocated or not, under its own name and version
        Set<String> listed = new TreeSet<>();
        components.forEach(c -> listed.add(c.path("name").asText() + "-" + c.path("version").asText() + ".jar"));
        Set<String> bundled = new TreeSet<>();
        ShadedJarIT.bundledJars().forEach(j -> bundled.add(j.getFileName().toString()));
        assertThat(bundled).as("bundled jars found on the class path").isNotEmpty();
        assertThat(listed).as("the SBOM's components, as jar file names").containsAll(bundled);
    }

    @Test
    void theThinJarsSbomNamesItsDependencies() throws IOException {
        Path sbom = target().resolve("lava-pg-jdbc-" + Version.FULL + "-cyclonedx.json");
        assertThat(sbom).isRegularFile();
        JsonNode bom = new ObjectMapper().readTree(sbom.toFile());
        List<String> names = new ArrayList<>();
        bom.path("components").forEach(c -> names.add(c.path("group").asText() + ":" + c.path("name").asText()));
        assertThat(names).contains("org.postgresql:postgresql", "com.github.ben-manes.caffeine:caffeine",
                "software.amazon.awssdk:dynamodb", "software.amazon.awssdk:sdk-core")
                .as("provided and test dependencies are not the jar's").noneMatch(n -> n.startsWith("org.apache.spark:")
                        || n.startsWith("org.flywaydb:") || n.startsWith("org.junit") || n.startsWith("io.opentelemetry:"));
    }

    private static JsonNode component(List<JsonNode> components, String group, String name) {
        return components.stream()
                .filter(c -> c.path("group").asText().equals(group) && c.path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no component " + group + ":" + name));
    }

    /** @return a component's licences: SPDX ids, else names */
    private static Set<String> licences(JsonNode component) {
        Set<String> licences = new TreeSet<>();
        for (JsonNode l : component.path("licenses")) {
            JsonNode licence = l.path("license");
            String id = licence.path("id").asText();
            licences.add(id.isEmpty() ? licence.path("name").asText() : id);
            if (l.has("expression")) {
                licences.add(l.path("expression").asText());
            }
        }
        licences.remove("");
        return licences;
    }

    private static String entry(JarFile jar, String name) throws IOException {
        JarEntry e = jar.getJarEntry(name);
        assertThat(e).as(name + " in " + jar.getName()).isNotNull();
        try (InputStream in = jar.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
