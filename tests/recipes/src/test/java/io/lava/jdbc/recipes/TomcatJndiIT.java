package io.lava.jdbc.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.recipes.tomcat.JndiServer;
import io.lava.jdbc.testing.ChildJvm;
import io.lava.jdbc.testing.ChildJvm.Run;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/pools.md} "Tomcat JNDI resource": the snippet's {@code context.xml} in an application deployed to an
 * embedded Tomcat 11 that runs in a JVM of its own ({@link JndiServer}), with the drop-in jar and {@code tomcat-jdbc}
 * on the server's class path as in Tomcat's {@code lib/}; a servlet looks up {@code jdbc/warehouse}
 * ({@code LavaPgDataSourceFactory}) and {@code jdbc/warehouse-pool} (Tomcat's pool over the driver) and connects
 * through each.
 */
class TomcatJndiIT extends RecipeHarness {
    private static final String PACKAGE = "io/lava/jdbc/recipes/tomcat/";

    @TempDir
    static Path home;

    @Test
    void thePagesContextXmlGivesAConnectionThroughEachResource() throws IOException {
        String endpoint = aws.endpoint();
        String contextXml = Recipe.snippets("docs/pools.md", "## Tomcat JNDI resource (`context.xml`)").get(0)
                .replace("realm=\"prod\"", "realm=\"" + realm + "\"")
                .replace("awsRegion=\"eu-west-1\"", "awsRegion=\"us-east-1\" awsEndpointUrl=\"" + endpoint + "\"")
                .replace(Recipe.DOCS_URL + "?", "jdbc:lava-pg:" + realm + "/warehouse?awsEndpointUrl="
                        + Recipe.encoded(endpoint) + "&amp;")
                .replace("\"awsRegion=" + Recipe.DOCS_REGION + "\"", "\"awsRegion=us-east-1\"").text();
        assertThat(contextXml).doesNotContain("password");
        Path app = Files.createDirectories(home.resolve("app/META-INF"));
        Files.writeString(app.resolve("context.xml"), contextXml);

        List<Path> classPath = new ArrayList<>(List.of(serverClasses(), DropIn.jar()));
        classPath.addAll(DropIn.testClassPath("tomcat-embed-core-", "tomcat-annotations-api-", "tomcat-jdbc-"));
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        Run run = ChildJvm.run(List.of(ChildJvm.java(), "-Duser.home=" + home, "-Djava.io.tmpdir=" + tmp,
                        "-cp", classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                        JndiServer.class.getName(), home.resolve("base").toString(), home.resolve("app").toString(),
                        "jdbc/warehouse", "jdbc/warehouse-pool"),
                ChildJvm.cleanEnvironment(home), Duration.ofMinutes(1));

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out().lines()).as(run.all()).contains(
                "lookup jdbc/warehouse ok " + Recipe.user(realm) + " reports io.lava.jdbc.LavaPgDataSource",
                "lookup jdbc/warehouse-pool ok " + Recipe.user(realm) + " reports-pool "
                        + "org.apache.tomcat.jdbc.pool.DataSource");
        assertThat(run.all()).doesNotContain(password);
    }

    /** @return a class directory holding only {@link JndiServer} and its nested classes */
    private static Path serverClasses() throws IOException {
        Path source;
        try {
            source = Path.of(JndiServer.class.getResource("JndiServer.class").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path root = home.resolve("server");
        Path target = Files.createDirectories(root.resolve(PACKAGE));
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("JndiServer(\\$.*)?\\.class"))
                    .toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        return root;
    }
}
