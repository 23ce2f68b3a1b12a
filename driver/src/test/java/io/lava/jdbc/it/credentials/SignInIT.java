package io.lava.jdbc.it.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.it.failures.ErrorShapesIT;
import io.lava.jdbc.it.failures.ErrorShapesIT.Jar;
import io.lava.jdbc.testing.AwsExtension;
import io.lava.jdbc.testing.AwsHome;
import io.lava.jdbc.testing.ChildJvm;
import io.lava.jdbc.testing.LavaRealm;
import io.lava.jdbc.testing.LocalAws;
import io.lava.jdbc.testing.LocalCredentialEndpoints;
import io.lava.jdbc.testing.LocalPostgres;
import io.lava.jdbc.testing.PostgresExtension;
import io.lava.jdbc.testing.SecretLeakGuard;
import io.lava.jdbc.testing.Slow;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A sign-in that ends and comes back, and AWS files that change, while one JVM runs (a tool open all day): each story
 * runs in a JVM of its own ({@link SignInProbe}: one engine, connects sent one at a time) with only the jar under test
 * on its class path, {@code HOME} set to a directory of its own holding the {@code .aws} files ({@link AwsHome}) and
 * the SDK pointed at the local IAM Identity Center portal, SSO OIDC, sign-in service and STS
 * ({@link LocalCredentialEndpoints}). Between connects the test changes what the AWS CLI would change: the portal
 * ends a session, {@code aws sso login} / {@code aws login} write a new token cache file, profiles are added, edited
 * and removed, keys rotated. Every connect reaches AWS ({@code recordTtl=0}, {@code parameterTtl=0}), and the access
 * key id in the SigV4 {@code Credential=} of the driver's {@code GetItem} tells which credentials signed it.
 *
 * <p>The SDK keeps role credentials that arrive already stale for one second ({@code CachedSupplier}); so once a
 * session has ended, connects are sent until one reaches the portal, and each before it must still connect (the SDK
 * still holds valid credentials); no sleep.
 */
@Slow
@ExtendWith({PostgresExtension.class, AwsExtension.class, SecretLeakGuard.class})
class SignInIT {
    private static final String PASSWORD = "sign-in-story-Pa55";
    private static final String USER = "si_user";
    private static final String DATABASE = "si_db";
    private static final String CONN_ID = "c";
    private static final String START_URL = "https://lava-corp.awsapps.com/start";
    private static final String LEGACY_URL = "https://lava-legacy.awsapps.com/start";
    private static final String LOGIN_SESSION = "arn:aws:iam::123456789012:user/dev";
    private static final String GET_ITEM = "DynamoDB_20120810.GetItem";

    private static LocalAws aws;
    private static LocalPostgres pg;
    private static LocalCredentialEndpoints endpoints;
    private static Path probe;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start(LocalPostgres postgres, LocalAws localAws) throws Exception {
        aws = localAws;
        pg = postgres;
        endpoints = new LocalCredentialEndpoints();
        pg.createRole(USER, PASSWORD);
        pg.createDatabase(DATABASE, USER);
        String file = SignInProbe.class.getName().replace('.', '/') + ".class";
        Path classes = Path.of(SignInProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        probe = dir.resolve("probe");
        Files.createDirectories(probe.resolve(file).getParent());
        Files.copy(classes.resolve(file), probe.resolve(file));
    }

    @AfterAll
    static void stop() {
        if (endpoints != null) {
            endpoints.close();
        }
    }

    @ParameterizedTest(name = "{0} jar")
    @EnumSource(Jar.class)
    void anIamIdentityCenterSessionEndsAndTheNextConnectAfterAwsSsoLoginWorks(Jar jar) throws Exception {
        String token = "sso-story-token-" + jar;
        String again = "sso-story-token-again-" + jar;
        String signedIn = "ASIALAVASSOSTORY" + jar;
        String signedInAgain = "ASIALAVASSOAGAIN" + jar;
        try (Story story = new Story(jar, "sso", "sso-new")) {
            story.home.config("[profile sso-new]\nsso_session = corp\nsso_account_id = "
                    + LocalCredentialEndpoints.SSO_ACCOUNT + "\nsso_role_name = " + LocalCredentialEndpoints.SSO_SHORT_ROLE
                    + "\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = " + START_URL + "\nsso_region = "
                    + "us-east-1\nsso_registration_scopes = sso:account:access\n");
            story.home.ssoSessionToken("corp", token, AwsHome.VALID, "sso-story-refresh-" + jar, START_URL);
            endpoints.acceptSsoToken(token, signedIn);

            story.connects(signedIn);

            endpoints.revokeSsoToken(token);
            story.failsOnceTheSdkAsksAgain("28000", "no AWS credentials from IAM Identity Center profile 'sso-new'",
                    "Run `aws sso login --profile sso-new`, then connect again");
            story.fails("28000", "Run `aws sso login --profile sso-new`, then connect again");

            // aws sso login: a new access token in ~/.aws/sso/cache
            story.home.ssoSessionToken("corp", again, AwsHome.VALID, "sso-story-refresh-again-" + jar, START_URL);
            endpoints.acceptSsoToken(again, signedInAgain);
            story.connects(signedInAgain);
            story.connects(signedInAgain);
        }
    }

    @ParameterizedTest(name = "{0} jar")
    @EnumSource(Jar.class)
    void aLegacyIamIdentityCenterSessionEndsAndTheNextConnectAfterAwsSsoLoginWorks(Jar jar) throws Exception {
        String token = "legacy-story-token-" + jar;
        String again = "legacy-story-token-again-" + jar;
        String signedIn = "ASIALAVALEGACYSTORY" + jar;
        String signedInAgain = "ASIALAVALEGACYAGAIN" + jar;
        try (Story story = new Story(jar, "legacy", "legacy-p")) {
            story.home.config("[profile legacy-p]\nsso_start_url = " + LEGACY_URL + "\nsso_region = us-east-1\n"
                    + "sso_account_id = " + LocalCredentialEndpoints.SSO_ACCOUNT + "\nsso_role_name = "
                    + LocalCredentialEndpoints.SSO_SHORT_ROLE + "\nregion = us-east-1\n");
            story.home.legacySsoToken(LEGACY_URL, token, AwsHome.VALID);
            endpoints.acceptSsoToken(token, signedIn);

            story.connects(signedIn);

            endpoints.revokeSsoToken(token);
            story.failsOnceTheSdkAsksAgain("28000", "IAM Identity Center profile (legacy sso_start_url form) "
                    + "'legacy-p'", "Run `aws sso login --profile legacy-p`, then connect again");

            story.home.legacySsoToken(LEGACY_URL, again, AwsHome.VALID);
            endpoints.acceptSsoToken(again, signedInAgain);
            story.connects(signedInAgain);
        }
    }

    @ParameterizedTest(name = "{0} jar")
    @EnumSource(Jar.class)
    void aConsoleSignInEndsAndTheNextConnectAfterAwsLoginWorks(Jar jar) throws Exception {
        String refresh = "login-story-refresh-" + jar;
        String refreshed = "ASIALAVALOGINSTORY" + jar;
        String signedInAgain = "ASIALAVALOGINAGAIN" + jar;
        try (Story story = new Story(jar, "login", "login-p")) {
            story.home.config("[profile login-p]\nlogin_session = " + LOGIN_SESSION + "\nregion = us-east-1\n");
            // cached credentials that have expired: the SDK refreshes them through the sign-in service
            story.home.loginToken(LOGIN_SESSION, "ASIALAVALOGINEXPIRED", AwsHome.EXPIRED, refresh);
            endpoints.acceptLoginRefreshToken(refresh, refreshed);

            story.connects(refreshed);

            endpoints.revokeLoginRefreshToken(refresh);
            story.failsOnceTheSdkAsksAgain("28000", "no AWS credentials from console sign-in profile 'login-p'",
                    "Run `aws login --profile login-p`, then connect again");

            // aws login: new credentials in ~/.aws/login/cache
            story.home.loginToken(LOGIN_SESSION, signedInAgain, AwsHome.VALID, "login-story-refresh-again-" + jar);
            story.connects(signedInAgain);
        }
    }

    @ParameterizedTest(name = "{0} jar")
    @EnumSource(Jar.class)
    void profilesAddedEditedRemovedAndKeysRotatedCountFromTheNextConnect(Jar jar) throws Exception {
        String first = "AKIALAVAROTATE1" + jar;
        String rotated = "AKIALAVAROTATE2" + jar;
        String added = "AKIALAVAADDED" + jar;
        String allowed = "arn:aws:iam::123456789012:role/lava-etl";
        try (Story story = new Story(jar, "files", "static-p")) {
            String edited = "[profile edited-p]\nsource_profile = static-p\nrole_arn = ";
            story.home.config("[default]\nregion = us-east-1\n\n" + edited + LocalCredentialEndpoints.DENIED_ROLE + "\n");
            story.home.credentials(keys("static-p", first));
            story.connects(first);

            // rotated in ~/.aws/credentials
            story.home.credentials(keys("static-p", rotated));
            story.connects(rotated);
            story.connects(rotated);

            // added
            story.home.credentials(keys("static-p", rotated) + keys("added-p", added));
            story.connects("added-p", added);

            // edited: from a role STS refuses to one it gives
            story.failsFor("edited-p", "28000", "STS refused to assume role '" + LocalCredentialEndpoints.DENIED_ROLE);
            story.home.config("[default]\nregion = us-east-1\n\n" + edited + allowed + "\n");
            story.connects("edited-p", LocalCredentialEndpoints.ASSUMED_ROLE_KEY);

            // removed
            story.home.credentials(keys("static-p", rotated));
            story.failsFor("added-p", "08001", "AWS profile 'added-p' does not exist");
            story.connects(rotated);
        }
    }

    private static String keys(String profile, String accessKeyId) {
        return "[" + profile + "]\naws_access_key_id = " + accessKeyId + "\naws_secret_access_key = files-test-secret-"
                + profile + "\n\n";
    }

    /** One story: a realm, a home, and the probe's JVM with the jar under test. */
    private static final class Story implements AutoCloseable {
        final AwsHome home;
        private final String realm;
        private final String profile;
        private final Process process;
        private final Writer in;
        private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        private final Path err;
        private final StringBuilder seen = new StringBuilder();

        Story(Jar jar, String name, String profile) throws IOException {
            String id = name + "-" + jar.name().toLowerCase(Locale.ROOT);
            this.realm = "si-" + id;
            this.profile = profile;
            LavaRealm.create(aws, pg, realm).postgres(CONN_ID, DATABASE, USER, "/lava/" + realm + "/pw", PASSWORD);
            Path directory = Files.createDirectories(dir.resolve(id));
            this.home = AwsHome.in(directory);
            Map<String, String> env = new HashMap<>();
            env.put("PATH", System.getenv("PATH"));
            env.put("HOME", directory.toString());
            env.put("AWS_REGION", "us-east-1");
            env.put("AWS_EC2_METADATA_DISABLED", "true");
            for (String service : List.of("SSO", "SSO_OIDC", "SIGNIN", "STS")) {
                env.put("AWS_ENDPOINT_URL_" + service, endpoints.endpoint());
            }
            ProcessBuilder builder = new ProcessBuilder(ChildJvm.java(), "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-Duser.home=" + directory, "-Djava.io.tmpdir=" + directory, "-cp",
                    ErrorShapesIT.classPath(jar) + File.pathSeparator + probe, SignInProbe.class.getName());
            builder.environment().clear();
            builder.environment().putAll(env);
            this.err = directory.resolve("probe.err");
            builder.redirectError(err.toFile());
            this.process = builder.start();
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        replies.add(line);
                    }
                } catch (IOException e) {
                    replies.add("probe output ended: " + e);
                }
            }, "sign-in-probe-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** @return {outcome, sqlState, message} of one connect with {@code awsProfile=<profile>} */
        String[] connect(String profile) throws Exception {
            String url = "jdbc:lava-pg:" + realm + "/" + CONN_ID + "?awsEndpointUrl=" + aws.endpoint()
                    + "&awsRegion=us-east-1&recordTtl=0&parameterTtl=0&awsApiCallTimeout=60"
                    + "&awsApiCallAttemptTimeout=20&awsProfile=" + profile;
            in.write(url + "\n");
            in.flush();
            String reply = replies.poll(2, TimeUnit.MINUTES);
            assertThat(reply).as("the probe's answer; its standard error:\n%s", errors()).isNotNull();
            String[] fields = reply.split("\t", 3);
            assertThat(fields).as("the probe's answer: %s\n%s", reply, errors()).hasSize(3);
            fields[2] = fields[2].replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\");
            seen.append("\n  ").append(profile).append(": ").append(String.join(" | ", fields));
            assertThat(fields[2]).as("no token or secret in the message").doesNotContain("token-", "refresh-",
                    "test-secret", "test-session", PASSWORD);
            return fields;
        }

        void connects(String accessKeyId) throws Exception {
            connects(profile, accessKeyId);
        }

        void connects(String profile, String accessKeyId) throws Exception {
            String[] result = connect(profile);
            assertThat(result[0]).as("outcome; so far:%s", seen).isEqualTo("connected");
            List<String> signers = aws.signers(GET_ITEM, "\"" + LocalAws.connectionsTable(realm) + "\"");
            assertThat(signers).as("the access key ids that signed GetItem").isNotEmpty();
            assertThat(signers.get(signers.size() - 1)).as("the access key id that signed the last GetItem; so far:%s",
                    seen).isEqualTo(accessKeyId);
        }

        void fails(String sqlState, String... says) throws Exception {
            failsFor(profile, sqlState, says);
        }

        void failsFor(String profile, String sqlState, String... says) throws Exception {
            check(connect(profile), sqlState, says);
        }

        /**
         * Connects until one fails: those before it must connect (the SDK still holds credentials it fetched less
         * than a second ago), at most for 30 seconds.
         */
        void failsOnceTheSdkAsksAgain(String sqlState, String... says) throws Exception {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            String[] result = connect(profile);
            while (result[0].equals("connected") && Instant.now().isBefore(deadline)) {
                result = connect(profile);
            }
            check(result, sqlState, says);
        }

        private void check(String[] result, String sqlState, String... says) {
            assertThat(result[0]).as("outcome; so far:%s", seen).isEqualTo("SQLException");
            assertThat(result[1]).as("SQLState; so far:%s", seen).isEqualTo(sqlState);
            assertThat(result[2]).as("message").contains(says).doesNotContain("Retry later");
        }

        private String errors() {
            try {
                return Files.exists(err) ? Files.readString(err) : "";
            } catch (IOException e) {
                return e.toString();
            }
        }

        @Override
        public void close() throws Exception {
            in.close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
