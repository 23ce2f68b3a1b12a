package io.lava.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The drop-in jar {@code lava-pg-jdbc-<version>-all.jar} that {@code mvn package} attaches (classifier {@code all}):
 * size budget, nothing unrelocated, manifest, service files, and the class names the AWS SDK loads by name. That it
 * works is {@link CliIT}'s part: it runs the jar in its own JVM.
 */
class ShadedJarIT {
    /** The drop-in jar's size budget: 12 MiB. */
    static final long MAX_BYTES = 12L * 1024 * 1024;
    private static final String SHADED = "io/lava/jdbc/shaded/";
    private static final String STS_INTERNAL = "io.lava.jdbc.shaded.software.amazon.awssdk.services.sts.internal.";

    private static JarFile jar;
    private static Set<String> entries;

    /** @return {@code target/lava-pg-jdbc-<version>-all.jar} of this module; fails when {@code package} did not run */
    static Path allJar() {
        Path jar = Path.of(System.getProperty("basedir", "."), "target", "lava-pg-jdbc-" + Version.FULL + "-all.jar");
        assertThat(jar).as("the -all jar (built by mvn package, before failsafe runs)").isRegularFile();
        return jar;
    }

    @BeforeAll
    static void open() throws IOException {
        jar = new JarFile(allJar().toFile());
        entries = new TreeSet<>(Collections.list(jar.entries()).stream().map(JarEntry::getName).toList());
    }

    @AfterAll
    static void close() throws IOException {
        jar.close();
    }

    @Test
    void fitsTheSizeBudget() throws IOException {
        assertThat(Files.size(allJar())).as("size of %s in bytes", allJar().getFileName())
                .isLessThanOrEqualTo(MAX_BYTES);
    }

    @Test
    void holdsOnlyPgjdbcLavaAndRelocatedClasses() {
        List<String> leaks = new ArrayList<>();
        for (String name : entries) {
            boolean allowed = name.startsWith("org/postgresql/") || name.startsWith("io/lava/jdbc/")
                    || name.startsWith("META-INF/") || name.equals("org/") || name.equals("io/")
                    || name.equals("io/lava/");
            if (!allowed) {
                leaks.add(name);
            }
        }
        assertThat(leaks).as("entries outside org/postgresql/, io/lava/jdbc/ and META-INF/").isEmpty();
        assertThat(entries).as("module descriptors and signatures of dependencies")
                .noneMatch(n -> n.endsWith("module-info.class") || n.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
        assertThat(entries).contains("org/postgresql/Driver.class", "org/postgresql/PGConnection.class",
                "org/postgresql/ssl/LibPQFactory.class", "io/lava/jdbc/LavaPgDriver.class",
                "io/lava/jdbc/LavaPgCli.class", SHADED + "picocli/CommandLine.class",
                SHADED + "com/github/benmanes/caffeine/cache/Caffeine.class",
                SHADED + "software/amazon/awssdk/services/rds/RdsUtilities.class",
                SHADED + "software/amazon/awssdk/http/urlconnection/UrlConnectionSdkHttpService.class",
                SHADED + "org/slf4j/impl/StaticLoggerBinder.class");
        assertThat(entries).as("the url-connection HTTP client only")
                .noneMatch(n -> n.contains("/http/apache") || n.contains("/http/nio/netty") || n.contains("/http/crt"));
    }

    @Test
    void manifestNamesTheModuleAndTheCli() throws IOException {
        Attributes main = jar.getManifest().getMainAttributes();
        assertThat(main.getValue("Main-Class")).isEqualTo("io.lava.jdbc.LavaPgCli");
        assertThat(main.getValue("Automatic-Module-Name")).isEqualTo("io.lava.jdbc");
        assertThat(main.getValue("Multi-Release")).isEqualTo("true");
        assertThat(main.getValue("Implementation-Version")).isEqualTo(Version.FULL);
    }

    @Test
    void serviceFilesAreMergedAndRelocated() throws IOException {
        List<String> services = entries.stream().filter(n -> n.startsWith("META-INF/services/") && !n.endsWith("/"))
                .toList();
        assertThat(services).as("service files of relocated interfaces are renamed with them")
                .noneMatch(n -> n.matches("META-INF/services/(software\\.amazon|com\\.github\\.benmanes|picocli|"
                        + "org\\.slf4j|org\\.reactivestreams)\\..*"))
                .contains("META-INF/services/java.sql.Driver");
        assertThat(text("META-INF/services/java.sql.Driver"))
                .contains("io.lava.jdbc.LavaPgDriver", "org.postgresql.Driver");
        assertThat(text("META-INF/services/io.lava.jdbc.shaded.software.amazon.awssdk.http.SdkHttpService"))
                .contains("io.lava.jdbc.shaded.software.amazon.awssdk.http.urlconnection.UrlConnectionSdkHttpService");
        for (String service : services) {
            for (String line : text(service).split("\n")) {
                String impl = line.replaceFirst("#.*", "").trim();
                if (!impl.isEmpty()) {
                    assertThat(entries).as("provider listed in " + service).contains(impl.replace('.', '/') + ".class");
                }
            }
        }
    }

    /**
     * The SDK's auth module loads the STS credential factories by class name, held in string constants; shade must
     * have rewritten those strings with the classes, or web identity (IRSA) and assume-role profiles break.
     */
    @Test
    void stsFactoriesAreLoadedByTheirRelocatedNames() throws IOException {
        assertThat(text(SHADED + "software/amazon/awssdk/auth/credentials/internal/WebIdentityCredentialsUtils.class"))
                .contains(STS_INTERNAL + "StsWebIdentityCredentialsProviderFactory")
                .doesNotContainPattern("(?<!shaded\\.)software\\.amazon\\.awssdk\\.services\\.sts");
        assertThat(text(SHADED + "software/amazon/awssdk/auth/credentials/internal/ProfileCredentialsUtils.class"))
                .contains(STS_INTERNAL + "StsProfileCredentialsProviderFactory")
                .doesNotContainPattern("(?<!shaded\\.)software\\.amazon\\.awssdk\\.services\\.sts");
        assertThat(entries).contains(
                (STS_INTERNAL + "StsWebIdentityCredentialsProviderFactory").replace('.', '/') + ".class",
                (STS_INTERNAL + "StsProfileCredentialsProviderFactory").replace('.', '/') + ".class");
        assertThat(text(SHADED + "software/amazon/awssdk/core/interceptor/ClasspathInterceptorChainFactory.class"))
                .as("global interceptor files are looked up under the relocated path")
                .contains(SHADED + "software/amazon/awssdk/global/handlers/execution.interceptors");
    }

    /**
     * The filters keep only the AWS operations the driver calls. Every SDK class the driver's own classes name must be
     * in the jar; a new AWS call whose model classes the pom does not keep fails here.
     */
    @Test
    void everySdkClassTheDriverNamesIsInTheJar() throws IOException {
        Pattern reference = Pattern.compile(Pattern.quote(SHADED) + "[A-Za-z0-9_/$]+");
        Set<String> missing = new TreeSet<>();
        for (String name : entries) {
            if (name.startsWith("io/lava/jdbc/") && !name.startsWith(SHADED) && name.endsWith(".class")) {
                Matcher m = reference.matcher(text(name));
                while (m.find()) {
                    if (!entries.contains(m.group() + ".class")) {
                        missing.add(name + " -> " + m.group());
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    /** An entry's bytes as ISO-8859-1 text: class files keep their constant-pool strings readable. */
    private static String text(String entry) throws IOException {
        JarEntry e = jar.getJarEntry(entry);
        assertThat(e).as(entry).isNotNull();
        try (InputStream in = jar.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
