package io.lava.jdbc.it.credentials;

import io.lava.jdbc.testing.Slow;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.it.failures.ErrorShapesIT;
import io.lava.jdbc.it.failures.ErrorShapesProbe;
import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.it.failures.ErrorShapesIT.Jar;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.AwsHome;
import io.lava.jdbc.testing.ChildJvm;
import io.lava.jdbc.testing.ChildJvm.Run;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalCredentialEndpoints;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every AWS credential source a person or a platform uses, through each shipped jar, each case in a JVM of its own
 * whose environment holds only that source: a clean environment (no AWS keys) and {@code HOME} set to a directory of
 * its own with the {@code .aws} files the AWS CLI leaves ({@link AwsHome}). The SDK's providers reach local stand-ins
 * ({@link LocalCredentialEndpoints}: the IAM Identity Center portal, SSO OIDC, the sign-in service, STS, container
 * credentials, IMDSv2) through {@code AWS_ENDPOINT_URL_SSO}, {@code AWS_ENDPOINT_URL_SSO_OIDC},
 * {@code AWS_ENDPOINT_URL_SIGNIN}, {@code AWS_ENDPOINT_URL_STS}, {@code AWS_CONTAINER_SERVICE_ENDPOINT},
 * {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}.
 *
 * <p>A source that works connects, and the driver's DynamoDB {@code GetItem} and SSM {@code GetParameter} are signed
 * with the access key id that source returned (each source returns its own). A failure ends in the SQLState and
 * message of the errors table of {@code docs/errors.md} ({@link CredentialCases#FAILURES}). The {@code -all} jar
 * runs every case; the thin jar (with its runtime dependencies) the cases marked for it, one or more per SDK module.
 * Children run two at a time; the probe is {@link ErrorShapesProbe}, compiled, alone in a directory of its own.
 */
@Slow
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class CredentialSourcesIT {
    private static final String PASSWORD = "credential-sources-Pa55";
    private static final String USER = "cs_user";
    private static final String DATABASE = "cs_db";
    private static final String CONN_ID = "c";

    private static final Map<String, Properties> RESULTS = new HashMap<>();
    private static LocalAws aws;
    private static LocalCredentialEndpoints endpoints;

    @TempDir
    static Path dir;

    @BeforeAll
    static void runEveryCaseInAJvmOfItsOwn(LocalPostgres pg, LocalAws localAws) throws Exception {
        aws = localAws;
        endpoints = new LocalCredentialEndpoints();
        pg.createRole(USER, PASSWORD);
        pg.createDatabase(DATABASE, USER);
        Path probe = probeDirectory();
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Map<String, CompletableFuture<Run>> runs = new HashMap<>();
            for (Arguments arguments : cases().toList()) {
                Jar jar = (Jar) arguments.get()[0];
                CredentialCases.Case c = (CredentialCases.Case) arguments.get()[1];
                String id = id(jar, c);
                String realm = realm(jar, c);
                LavaRealm.create(aws, pg, realm).postgres(CONN_ID, DATABASE, USER, parameter(realm),
                        PASSWORD);
                Path home = Files.createDirectories(dir.resolve(id));
                Map<String, String> env = environment(home);
                String properties = c.setup().prepare(AwsHome.in(home), env, endpoints);
                String url = "jdbc:lava-pg:" + realm + "/" + CONN_ID + "?awsEndpointUrl=" + aws.endpoint()
                        + "&awsRegion=us-east-1&awsApiCallTimeout=60&awsApiCallAttemptTimeout=20" + properties;
                Path cases = Files.writeString(home.resolve("probe.cases"), id + "\tdriver\t" + url + "\n");
                Path results = home.resolve("probe.results");
                List<String> command = List.of(ChildJvm.java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                        "-Xshare:auto", "-Duser.home=" + home,
                        "-Djava.io.tmpdir=" + home, "-cp", ErrorShapesIT.classPath(jar) + File.pathSeparator + probe,
                        ErrorShapesProbe.class.getName(), cases.toString(), results.toString());
                runs.put(id, CompletableFuture.supplyAsync(() -> ChildJvm.run(command, env, Duration.ofMinutes(2)),
                        two));
            }
            for (Map.Entry<String, CompletableFuture<Run>> run : runs.entrySet()) {
                Run done = run.getValue().join();
                assertThat(done.exitCode()).as("probe of %s: %s", run.getKey(), done.all()).isZero();
                Properties results = new Properties();
                try (InputStream in = Files.newInputStream(dir.resolve(run.getKey()).resolve("probe.results"))) {
                    results.load(in);
                }
                RESULTS.put(run.getKey(), results);
            }
        } finally {
            two.shutdownNow();
        }
    }

    @AfterAll
    static void stopEndpoints() {
        if (endpoints != null) {
            endpoints.close();
        }
    }

    /** Every case through the -all jar; those marked for it through the thin jar too. */
    static Stream<Arguments> cases() {
        return Stream.of(Jar.ALL, Jar.THIN).flatMap(jar -> Stream.concat(CredentialCases.SOURCES.stream(),
                        CredentialCases.FAILURES.stream())
                .filter(c -> jar == Jar.ALL || c.thin())
                .map(c -> Arguments.of(jar, c)));
    }

    static Stream<Arguments> sources() {
        return cases().filter(a -> ((CredentialCases.Case) a.get()[1]).sqlState() == null);
    }

    static Stream<Arguments> failures() {
        return cases().filter(a -> ((CredentialCases.Case) a.get()[1]).sqlState() != null);
    }

    @ParameterizedTest(name = "{0} jar: {1}")
    @MethodSource("sources")
    void connectsWithTheCredentialsOfTheSource(Jar jar, CredentialCases.Case c) {
        String realm = realm(jar, c);
        Properties results = RESULTS.get(id(jar, c));
        String seen = describe(results, id(jar, c));
        assertThat(results.getProperty(id(jar, c) + ".outcome")).as(seen).isEqualTo("connected");
        assertThat(aws.signers("DynamoDB_20120810.GetItem", "\"" + LocalAws.connectionsTable(realm) + "\""))
                .as("the access key ids that signed GetItem\n%s", seen).isNotEmpty().containsOnly(c.accessKeyId());
        assertThat(aws.signers("AmazonSSM.GetParameter", "\"" + parameter(realm) + "\""))
                .as("the access key ids that signed GetParameter\n%s", seen).isNotEmpty()
                .containsOnly(c.accessKeyId());
    }

    @ParameterizedTest(name = "{0} jar: {1}")
    @MethodSource("failures")
    void failsWithAMessageThatSaysWhatToDo(Jar jar, CredentialCases.Case c) {
        String id = id(jar, c);
        Properties results = RESULTS.get(id);
        String seen = describe(results, id);
        assertThat(results.getProperty(id + ".outcome")).as(seen).isEqualTo("SQLException");
        assertThat(results.getProperty(id + ".sqlState")).as("SQLState\n%s", seen).isEqualTo(c.sqlState());
        String message = results.getProperty(id + ".message");
        assertThat(message).as("message\n%s", seen)
                .startsWith("lava-pg realm '" + realm(jar, c) + "', conn_id '" + CONN_ID + "': record: DynamoDB "
                        + "GetItem on table '" + LocalAws.connectionsTable(realm(jar, c)) + "' failed: ")
                .doesNotContain("unexpected", PASSWORD, "test-secret", "test-session", "cached-secret",
                        "cached-session", LocalCredentialEndpoints.SSO_TOKEN,
                        LocalCredentialEndpoints.SSO_REFRESH_TOKEN, LocalCredentialEndpoints.POD_TOKEN);
        for (String fragment : c.says()) {
            assertThat(message).as("message\n%s", seen).contains(fragment);
        }
        List<String> causeTypes = Arrays.asList(results.getProperty(id + ".causeTypes", "").split(","));
        assertThat(causeTypes).as("the cause is an exception of the %s jar's AWS SDK\n%s", jar, seen)
                .contains((jar == Jar.ALL ? "io.lava.jdbc.shaded." : "")
                        + "software.amazon.awssdk.core.exception.SdkException");
        assertThat(aws.signers("DynamoDB_20120810.GetItem", "\"" + LocalAws.connectionsTable(realm(jar, c)) + "\""))
                .as("nothing reached DynamoDB\n%s", seen).isEmpty();
    }

    // ---- the child JVMs -------------------------------------------------------------------------------------------

    /** The environment of a user with none of the AWS settings but the stand-ins' endpoints and the region. */
    private static Map<String, String> environment(Path home) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", home.toString());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_ENDPOINT_URL_SSO", endpoints.endpoint());
        env.put("AWS_ENDPOINT_URL_SSO_OIDC", endpoints.endpoint());
        env.put("AWS_ENDPOINT_URL_SIGNIN", endpoints.endpoint());
        env.put("AWS_ENDPOINT_URL_STS", endpoints.endpoint());
        return env;
    }

    /** @return a directory holding only the compiled {@link ErrorShapesProbe}: JDK-only, nothing else of the tests */
    private static Path probeDirectory() throws Exception {
        String file = ErrorShapesProbe.class.getName().replace('.', '/') + ".class";
        Path classes = Path.of(ErrorShapesProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path target = dir.resolve("probe").resolve(file);
        Files.createDirectories(target.getParent());
        Files.copy(classes.resolve(file), target);
        return dir.resolve("probe");
    }

    private static String id(Jar jar, CredentialCases.Case c) {
        return jar.name().toLowerCase(Locale.ROOT) + "-" + c.name();
    }

    private static String realm(Jar jar, CredentialCases.Case c) {
        return "cs-" + id(jar, c);
    }

    private static String parameter(String realm) {
        return "/lava/" + realm + "/pw";
    }

    private static String describe(Properties results, String id) {
        StringBuilder out = new StringBuilder("case ").append(id).append(':');
        for (String field : List.of("outcome", "sqlState", "message", "cause", "causeChain", "millis")) {
            String value = results == null ? null : results.getProperty(id + "." + field);
            if (value != null) {
                out.append("\n  ").append(field).append(": ").append(value);
            }
        }
        out.append("\n  credential endpoints saw: ").append(new ArrayList<>(endpoints.requests("/").stream()
                .map(r -> r.getMethod() + " " + r.getUrl()).toList()));
        return out.toString();
    }
}
