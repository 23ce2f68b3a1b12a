package io.lava.jdbc.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.cli.LavaPgCli;
import io.lava.jdbc.internal.Version;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
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
 * size budget, nothing unrelocated, manifest, service files, the class names the AWS SDK loads by name, the slf4j
 * binding and the licences of what it bundles. That every class it references is there is
 * {@link ShadedJarReferencesIT}'s part; that it works is {@link CliIT}'s: it runs the jar in its own JVM.
 */
public class ShadedJarIT {
    /** The drop-in jar's size budget: 12 MiB. */
    public static final long MAX_BYTES = 12L * 1024 * 1024;
    private static final String SHADED = "io/lava/jdbc/shaded/";
    private static final String STS_INTERNAL = "io.lava.jdbc.shaded.software.amazon.awssdk.services.sts.internal.";

    private static JarFile jar;
    private static Set<String> entries;

    /** @return {@code target/lava-pg-jdbc-<version>-all.jar} of this module; fails when {@code package} did not run */
    public static Path allJar() {
        Path jar = Path.of(System.getProperty("basedir", "."), "target", "lava-pg-jdbc-" + Version.FULL + "-all.jar");
        assertThat(jar).as("the -all jar (built by mvn package, before failsafe runs)").isRegularFile();
        return jar;
    }

    @BeforeAll
    public static void open() throws IOException {
        jar = new JarFile(allJar().toFile());
        entries = new TreeSet<>(Collections.list(jar.entries()).stream().map(JarEntry::getName).toList());
    }

    @AfterAll
    public static void close() throws IOException {
        jar.close();
    }

    @Test
    public void fitsTheSizeBudget() throws IOException {
        assertThat(Files.size(allJar())).as("size of %s in bytes", allJar().getFileName())
                .isLessThanOrEqualTo(MAX_BYTES);
    }

    @Test
    public void holdsOnlyPgjdbcLavaAndRelocatedClasses() {
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
                "io/lava/jdbc/cli/LavaPgCli.class", SHADED + "picocli/CommandLine.class",
                SHADED + "com/github/benmanes/caffeine/cache/Caffeine.class",
                SHADED + "software/amazon/awssdk/services/rds/RdsUtilities.class",
                SHADED + "software/amazon/awssdk/http/urlconnection/UrlConnectionSdkHttpService.class");
        assertThat(entries).as("the url-connection HTTP client only")
                .noneMatch(n -> n.contains("/http/apache") || n.contains("/http/nio/netty") || n.contains("/http/crt"));
    }

    @Test
    public void manifestNamesTheModuleAndTheCli() throws IOException {
        Attributes main = jar.getManifest().getMainAttributes();
        assertThat(main.getValue("Main-Class")).isEqualTo("io.lava.jdbc.cli.LavaPgCli");
        assertThat(main.getValue("Automatic-Module-Name")).isEqualTo("io.lava.jdbc");
        assertThat(main.getValue("Multi-Release")).isEqualTo("true");
        assertThat(main.getValue("Implementation-Version")).isEqualTo(Version.FULL);
    }

    @Test
    public void serviceFilesAreMergedAndRelocated() throws IOException {
        List<String> services = entries.stream().filter(n -> n.startsWith("META-INF/services/") && !n.endsWith("/"))
                .toList();
        assertThat(services).as("service files of relocated interfaces are renamed with them")
                .noneMatch(n -> n.matches("META-INF/services/(software\\.amazon|com\\.github\\.benmanes|picocli|"
                        + "org\\.slf4j|org\\.reactivestreams)\\..*"))
                .contains("META-INF/services/java.sql.Driver");
        assertThat(text("META-INF/services/java.sql.Driver"))
                .contains("io.lava.jdbc.LavaPgDriver", "org.postgresql.Driver");
        assertThat(text("META-INF/services/org.apache.flink.connector.jdbc.core.database.JdbcFactory"))
                .as("the Flink JDBC factory, under the connector's own (unrelocated) interface name")
                .contains("io.lava.jdbc.flink.LavaPgJdbcFactory");
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
    public void stsFactoriesAreLoadedByTheirRelocatedNames() throws IOException {
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
    public void everySdkClassTheDriverNamesIsInTheJar() throws IOException {
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

    /**
     * The bundled slf4j-api finds its binding the way its version does: 1.x loads
     * {@code org.slf4j.impl.StaticLoggerBinder} (relocated), 2.x asks ServiceLoader for an {@code SLF4JServiceProvider}
     * (relocated service file). Either way the no-op binding must be there, or the first SDK log call prints SLF4J's
     * warnings ({@link CliIT} checks the output).
     */
    @Test
    public void theSlf4jBindingMatchesTheBundledApi() throws IOException {
        String loggerFactory = text(SHADED + "org/slf4j/LoggerFactory.class");
        String provider = "META-INF/services/io.lava.jdbc.shaded.org.slf4j.spi.SLF4JServiceProvider";
        if (loggerFactory.contains(SHADED + "org/slf4j/spi/SLF4JServiceProvider")) {
            assertThat(text(provider)).as(provider).contains("io.lava.jdbc.shaded.org.slf4j.nop.NOPServiceProvider");
        } else {
            assertThat(loggerFactory).contains(SHADED + "org/slf4j/impl/StaticLoggerBinder");
            assertThat(entries).contains(SHADED + "org/slf4j/impl/StaticLoggerBinder.class")
                    .noneMatch(n -> n.startsWith("META-INF/services/") && n.contains("SLF4JServiceProvider"));
            assertThat(text(SHADED + "org/slf4j/impl/StaticLoggerBinder.class")).contains("NOPLoggerFactory");
        }
    }

    // ---- licences -------------------------------------------------------------------------------------------------

    /**
     * A licence or notice text in the jar.
     *
     * @param artifacts what it covers: {@code groupId:artifactId}, {@code groupId:*}, or an artifact that another one
     *     bundles (as pgjdbc bundles the SCRAM client), named so
     * @param entry the entry's name; {@code *} stands for any characters but '/' (a version)
     * @param phrases what the text must say
     */
    public record Licence(String artifacts, String entry, List<String> phrases) {
        boolean names(String name) {
            return name.matches(Pattern.quote(entry).replace("*", "\\E[^/]*\\Q"));
        }

        boolean covers(Path jarFile) {
            String[] ga = artifacts.split(":");
            String path = jarFile.toString().replace('\\', '/');
            String dir = "/" + ga[0].replace('.', '/') + "/";
            return ga.length == 2 && (ga[1].equals("*") ? path.contains(dir) : path.contains(dir + ga[1] + "/"));
        }
    }

    private static final String APACHE_2 = "Apache License";
    private static final String APACHE_2_VERSION = "Version 2.0, January 2004";
    private static final String BSD_2 = "Redistribution and use in source and binary forms";
    private static final String MIT = "Permission is hereby granted, free of charge, to any person obtaining a copy";

    public static final List<Licence> LICENCES = List.of(
            new Licence("org.postgresql:postgresql", "META-INF/LICENSE",
                    List.of("PostgreSQL Global Development Group", BSD_2)),
            new Licence("com.ongres.scram:scram-client (in pgjdbc)",
                    "META-INF/licenses/com.ongres.scram/scram-client-*/META-INF/LICENSE",
                    List.of("OnGres", BSD_2)),
            new Licence("com.ongres.scram:scram-common (in pgjdbc)",
                    "META-INF/licenses/com.ongres.scram/scram-common-*/META-INF/LICENSE",
                    List.of("OnGres", BSD_2)),
            new Licence("com.ongres.stringprep:saslprep (in pgjdbc)",
                    "META-INF/licenses/com.ongres.stringprep/saslprep-*/META-INF/LICENSE",
                    List.of("OnGres", BSD_2)),
            new Licence("com.ongres.stringprep:stringprep (in pgjdbc)",
                    "META-INF/licenses/com.ongres.stringprep/stringprep-*/META-INF/LICENSE",
                    List.of("OnGres", BSD_2)),
            new Licence("software.amazon.awssdk:*", "META-INF/LICENSE.txt", List.of(APACHE_2, APACHE_2_VERSION)),
            new Licence("software.amazon.awssdk:*", "META-INF/NOTICE.txt",
                    List.of("AWS SDK for Java 2.0", "Copyright Amazon.com, Inc. or its affiliates")),
            new Licence("software.amazon.awssdk:third-party-jackson-core", "META-INF/NOTICE",
                    List.of("Jackson JSON processor", "FastDoubleParser", "Schubfach")),
            new Licence("software.amazon.awssdk:third-party-jackson-core", "META-INF/FastDoubleParser-LICENSE",
                    List.of("Werner Randelshofer", MIT)),
            new Licence("software.amazon.awssdk:third-party-jackson-core",
                    "META-INF/FastDoubleParser-ThirdParty-LICENSE", List.of("fast_float", "Boost Software License")),
            new Licence("software.amazon.awssdk:third-party-jackson-core", "META-INF/Schubfach-LICENSE",
                    List.of("Raffaello Giulietti", MIT)),
            new Licence("com.github.ben-manes.caffeine:caffeine",
                    "META-INF/licenses/com.github.ben-manes.caffeine/caffeine/LICENSE",
                    List.of(APACHE_2, APACHE_2_VERSION)),
            new Licence("info.picocli:picocli", "META-INF/licenses/info.picocli/picocli/LICENSE",
                    List.of(APACHE_2, APACHE_2_VERSION)),
            new Licence("org.reactivestreams:reactive-streams",
                    "META-INF/licenses/org.reactivestreams/reactive-streams/LICENSE",
                    List.of("MIT No Attribution", "Copyright 2014 Reactive Streams")),
            new Licence("org.slf4j:*", "META-INF/licenses/org.slf4j/slf4j/LICENSE.txt",
                    List.of("QOS.ch", "Permission is hereby granted, free  of charge, to any person obtaining")),
            // the project's own, beside those of what the jar bundles (the thin jar has them too: ReleaseArtifactsIT)
            new Licence("io.lava:lava-pg-jdbc", "META-INF/lava-pg-jdbc/LICENSE", List.of(APACHE_2, APACHE_2_VERSION)),
            new Licence("io.lava:lava-pg-jdbc", "META-INF/lava-pg-jdbc/NOTICE",
                    List.of("lava-pg-jdbc", "Copyright", "The lava-pg-jdbc authors", "Apache License, Version 2.0")));

    @Test
    public void everyLicenceTextIsThere() throws IOException {
        for (Licence licence : LICENCES) {
            List<String> matching = entries.stream().filter(licence::names).toList();
            assertThat(matching).as("the licence of %s: %s", licence.artifacts(), licence.entry()).hasSize(1);
            assertThat(text(matching.get(0))).as(matching.get(0)).contains(licence.phrases());
        }
    }

    /**
     * Every jar on the test class path that the drop-in jar holds classes of (relocated or not) is a bundled artifact:
     * each has its entry in {@link #LICENCES}, and every licence or notice file it ships is in the drop-in jar with
     * the same text, under its own name or as the same text of another artifact.
     */
    @Test
    public void everyBundledArtifactHasItsLicenceAndNoticeTexts() throws IOException {
        List<String> texts = new ArrayList<>();
        for (String name : entries) {
            if (name.startsWith("META-INF/") && !name.endsWith("/") && !name.endsWith(".class")) {
                texts.add(normalized(text(name)));
            }
        }
        Set<String> bundled = new TreeSet<>();
        for (Path dependency : bundledJars()) {
            try (JarFile dep = new JarFile(dependency.toFile())) {
                List<JarEntry> depEntries = Collections.list(dep.entries());
                bundled.add(dependency.getFileName().toString());
                assertThat(LICENCES).as("a licence entry for the bundled %s", dependency.getFileName())
                        .anyMatch(l -> l.covers(dependency));
                for (JarEntry e : depEntries) {
                    String name = e.getName();
                    if (!e.isDirectory() && name.startsWith("META-INF/")
                            && name.substring(name.lastIndexOf('/') + 1).matches("(?i).*(licen[cs]e|notice).*")) {
                        try (InputStream in = dep.getInputStream(e)) {
                            String shipped = normalized(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
                            assertThat(texts.stream().anyMatch(t -> t.contains(shipped)))
                                    .as("the text of %s of %s is in the drop-in jar", name, dependency.getFileName())
                                    .isTrue();
                        }
                    }
                }
            }
        }
        assertThat(bundled).as("bundled artifacts found on the class path")
                .anyMatch(n -> n.startsWith("postgresql-")).anyMatch(n -> n.startsWith("caffeine-"))
                .anyMatch(n -> n.startsWith("picocli-")).anyMatch(n -> n.startsWith("slf4j-nop-"))
                .anyMatch(n -> n.startsWith("reactive-streams-")).anyMatch(n -> n.startsWith("sdk-core-"));
    }

    /**
     * @return the jars of the test class path that the drop-in jar holds classes of (relocated or not): the artifacts
     *     it bundles
     */
    public static Set<Path> bundledJars() throws IOException {
        Set<String> inAll;
        try (JarFile all = new JarFile(allJar().toFile())) {
            inAll = new TreeSet<>(Collections.list(all.entries()).stream().map(JarEntry::getName).toList());
        }
        Set<Path> bundled = new TreeSet<>();
        for (Path dependency : classPathJars()) {
            try (JarFile dep = new JarFile(dependency.toFile())) {
                if (Collections.list(dep.entries()).stream().map(JarEntry::getName)
                        .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/"))
                        .filter(n -> !n.startsWith("io/lava/jdbc/"))
                        .anyMatch(n -> inAll.contains(n) || inAll.contains(SHADED + n))) {
                    bundled.add(dependency);
                }
            }
        }
        return bundled;
    }

    /** The jars of the test class path, as the class loader sees them (failsafe may hand it a manifest-only jar). */
    private static Set<Path> classPathJars() throws IOException {
        Set<Path> jars = new TreeSet<>();
        for (URL url : Collections.list(ShadedJarIT.class.getClassLoader().getResources("META-INF/MANIFEST.MF"))) {
            String s = url.toString();
            if (s.startsWith("jar:file:") && s.contains("!/")) {
                try {
                    jars.add(Path.of(new URI(s.substring("jar:".length(), s.indexOf("!/")))));
                } catch (URISyntaxException e) {
                    throw new IOException(e);
                }
            }
        }
        return jars;
    }

    private static String normalized(String text) {
        return text.replaceAll("\\s+", " ").trim();
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
