package io.lava.jdbc.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.it.packaging.JarReferenceCheck.Allowance;
import io.lava.jdbc.it.packaging.JarReferenceCheck.JarClasses;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every class that a class of the drop-in jar references is in the jar, in the JDK, or absent on purpose: the shade
 * filters keep only what the driver's AWS calls need, and this proves that the error paths (exceptions and the shapes
 * they carry) are kept with the happy path. The references are read from the jar's class files
 * ({@link JarReferenceCheck}); what may be absent is {@link #ABSENT} and the rule of {@link #uncalledOperations}.
 */
class ShadedJarReferencesIT {
    private static final String SHADED = "io/lava/jdbc/shaded/";
    private static final String SDK = SHADED + "software/amazon/awssdk/";
    private static final String SERVICES = SDK + "services/";
    private static final String AWS_REQUEST = SDK + "awscore/AwsRequest";

    private static final String S3_INTERCEPTED = "a shape of CreateBucket, ListObjects(V2), ListObjectVersions,"
            + " ListMultipartUploads or DeleteObjects that S3's interceptors and endpoint resolver touch only after an"
            + " instanceof test for that operation's request or response (those classes are kept, as stubs)";

    /** Classes that may be referenced and absent: optional integrations that the jar does not bundle. */
    static final List<Allowance> ABSENT = List.of(
            Allowance.absent("org/checkerframework/**",
                    "checker-qual annotations on pgjdbc and Caffeine; the annotation-only jar is left out on purpose"
                            + " (artifactSet excludes): the JVM skips annotations whose class is absent"),
            Allowance.absent("org/jspecify/annotations/*",
                    "JSpecify nullness annotations on Caffeine; left out on purpose, as checker-qual"),
            Allowance.absent("com/google/errorprone/annotations/**",
                    "Error Prone annotations on Caffeine; left out on purpose, as checker-qual"),
            Allowance.absent("org/jetbrains/annotations/*",
                    "JetBrains nullness annotations on the SCRAM client pgjdbc bundles (com.ongres.scram); pgjdbc"
                            + " does not bundle them either"),
            Allowance.absent("org/osgi/**",
                    "pgjdbc's OSGi bundle activator and DataSourceFactory (org.postgresql.osgi): only an OSGi"
                            + " framework loads them, and it brings these classes"),
            Allowance.absent("waffle/windows/auth/**",
                    "Waffle, for pgjdbc's Windows SSPI authentication (org.postgresql.sspi): only with waffle-jna on"
                            + " the class path; SSPIClient.isSSPISupported checks for it (and catches the"
                            + " NoClassDefFoundError) before any use"),
            Allowance.absent("com/sun/jna/**",
                    "JNA, for the same SSPI authentication (org.postgresql.sspi) and nothing else; waffle-jna brings"
                            + " it"),
            Allowance.absent("org/flywaydb/**",
                    "Flyway: the driver's Flyway plugin (io.lava.jdbc.flyway) is loaded only by Flyway's own"
                            + " ServiceLoader, so Flyway is there whenever it is (a provided dependency)"),
            Allowance.absent("org/apache/spark/**",
                    "Spark: the driver's Spark dialect and plugin (io.lava.jdbc.spark) are loaded only by Spark"
                            + " (spark.plugins names the plugin, which registers the dialect), so Spark is there"
                            + " whenever they are (a provided dependency)"),
            Allowance.absent("org/apache/flink/**",
                    "Flink and its JDBC connector: the driver's JDBC factory (io.lava.jdbc.flink) is loaded only by the"
                            + " connector's own ServiceLoader, so Flink is there whenever it is (a provided dependency)"),
            Allowance.absent("scala/**",
                    "the Scala library, named by the same Spark classes (scala.Option, scala.collection.immutable.Map,"
                            + " scala.Function1): Spark brings it, in Scala 2.12 or 2.13"),
            Allowance.absent("io/opentelemetry/api/**",
                    "the OpenTelemetry API, for the driver's own spans and metrics (io.lava.jdbc.internal.telemetry):"
                            + " used only when the application has it on its class path (Telemetry.get checks), never"
                            + " bundled, so that the OpenTelemetry Java agent can bridge the application's copy"),
            Allowance.absent("io/opentelemetry/context/**",
                    "the OpenTelemetry API's context (opentelemetry-context), which comes with the API"),
            Allowance.absent("liquibase/**",
                    "Liquibase: the driver's Liquibase extension (io.lava.jdbc.liquibase) is loaded only by"
                            + " Liquibase's own ServiceLoader, so Liquibase is there whenever it is (a provided"
                            + " dependency)"),
            Allowance.absent(SDK + "crt/**",
                    "the AWS CRT (aws-crt, native code), not bundled: the SDK checks that it is on the class path"
                            + " before it uses it for SigV4a signing and the CRC32C, CRC64NVME and XXHash checksums;"
                            + " relocated, it is never found, so CRC32C takes the Java implementation and the others"
                            + " fail with a message asking for aws-crt (the driver's calls use none of them)"),
            Allowance.absent(SDK + "crtcore/**",
                    "the SDK's crt-core module, part of the same CRT support"),
            // S3 (GetObject of s3:// CA bundles): only the sync client is built
            Allowance.absent(SERVICES + "s3/S3AsyncClient",
                    "the S3 async client: the driver builds only the sync one; S3ExpressIdentityCache tests for it"
                            + " only for directory buckets (S3 Express), which the driver refuses before any call"),
            Allowance.absent(SERVICES + "s3/S3Utilities",
                    "S3Client.utilities() (URL helpers), never called"),
            Allowance.absent(SERVICES + "s3/model/S3Object*", S3_INTERCEPTED),
            Allowance.absent(SERVICES + "s3/model/CommonPrefix*", S3_INTERCEPTED),
            Allowance.absent(SERVICES + "s3/model/ObjectVersion*", S3_INTERCEPTED),
            Allowance.absent(SERVICES + "s3/model/DeleteMarkerEntry*", S3_INTERCEPTED),
            Allowance.absent(SERVICES + "s3/model/MultipartUpload*", S3_INTERCEPTED),
            Allowance.absent(SERVICES + "s3/model/EncodingType", S3_INTERCEPTED),
            Allowance.absent(SERVICES + "s3/model/CreateBucketConfiguration*", S3_INTERCEPTED),
            Allowance.absent(SERVICES + "s3/model/BucketLocationConstraint", S3_INTERCEPTED),
            Allowance.absent(SERVICES + "s3/model/LocationInfo", S3_INTERCEPTED),
            Allowance.absent(SERVICES + "s3/model/Delete", S3_INTERCEPTED),
            Allowance.absent(SERVICES + "s3/model/ObjectIdentifier", S3_INTERCEPTED));

    /**
     * Operations that the SDK calls itself, beside those the driver's classes name; {@code *}: every operation of the
     * service.
     */
    record SdkCall(String service, String operation, String reason) {
    }

    static final List<SdkCall> SDK_CALLS = List.of(
            new SdkCall("dynamodb", "DescribeEndpoints",
                    "endpoint discovery (AWS_ENDPOINT_DISCOVERY_ENABLED, aws.endpointDiscoveryEnabled,"
                            + " endpoint_discovery_enabled): the DynamoDB client's DynamoDbEndpointDiscoveryCacheLoader"
                            + " calls DescribeEndpoints itself"),
            new SdkCall("sts", "*",
                    "the web-identity (IRSA) and assume-role credential providers call AssumeRoleWithWebIdentity"
                            + " and AssumeRole; the sts artifact is kept whole"),
            new SdkCall("sso", "GetRoleCredentials",
                    "the IAM Identity Center credentials provider (sso_session, sso_start_url profiles)"),
            new SdkCall("ssooidc", "CreateToken",
                    "the SSO OIDC token provider refreshes an sso_session's cached token"),
            new SdkCall("signin", "CreateOAuth2Token",
                    "the console sign-in credentials provider (login_session profiles) refreshes its credentials"));

    private static JarClasses jar;

    @BeforeAll
    static void read() throws IOException {
        jar = JarReferenceCheck.read(ShadedJarIT.allJar());
    }

    @Test
    void everyReferencedClassIsInTheJarInTheJdkOrAbsentOnPurpose() throws IOException {
        List<Allowance> allowances = new ArrayList<>(ABSENT);
        allowances.add(uncalledOperations(jar));
        allowances.add(undeclaredExceptions());
        JarReferenceCheck.Result result = JarReferenceCheck.check(jar, allowances);
        assertThat(result.passes()).as(result::report).isTrue();
    }

    @Test
    void theCalledOperationsAreFoundAndTheRuleCoversOnlyTheOthers() throws IOException {
        Map<String, Set<String>> called = calledOperations(jar);
        assertThat(called.get("dynamodb")).contains("GetItem", "DescribeEndpoints");
        assertThat(called.get("ssm")).contains("GetParameter");
        assertThat(called.get("secretsmanager")).contains("GetSecretValue");
        assertThat(called.get("s3")).containsExactly("GetObject");
        assertThat(called.get("sts")).containsExactly("*");
        assertThat(operations(jar).get("dynamodb")).contains("GetItem", "Scan", "TransactWriteItems")
                .doesNotContain("DynamoDb", "DynamoDbStreams", "BatchStatement", "Write");

        Allowance rule = uncalledOperations(jar);
        String ddb = SERVICES + "dynamodb/";
        assertThat(List.of(ddb + "model/ScanRequest", ddb + "model/ScanRequest$BuilderImpl", ddb + "model/ScanResponse",
                ddb + "transform/ScanRequestMarshaller", ddb + "paginators/ScanIterable",
                ddb + "waiters/DynamoDbWaiter",
                SERVICES + "ssm/model/PutParameterRequest", SERVICES + "secretsmanager/model/ListSecretsResponse"))
                .allMatch(rule.matches());
        assertThat(List.of(ddb + "model/GetItemRequest", ddb + "model/GetItemResponse$Builder",
                ddb + "model/DescribeEndpointsResponse", ddb + "transform/GetItemRequestMarshaller",
                ddb + "model/DynamoDbRequest", ddb + "model/ThrottlingException", ddb + "model/AttributeValue",
                SERVICES + "ssm/model/GetParameterRequest", SERVICES + "sts/model/AssumeRoleRequest"))
                .noneMatch(rule.matches());
    }

    /**
     * For each service in the jar: its operations, each {@code X} whose {@code model/XRequest} the jar holds as a
     * subclass of the service's request class (itself a direct subclass of the SDK's {@code AwsRequest}), or whose
     * {@code transform/XRequestMarshaller} the service's client classes name.
     */
    static Map<String, Set<String>> operations(JarClasses jar) {
        Pattern request = Pattern.compile(Pattern.quote(SERVICES) + "([a-z0-9]+)/model/(\\w+)Request");
        Pattern client = Pattern.compile(Pattern.quote(SERVICES) + "([a-z0-9]+)/[A-Za-z0-9]*Client");
        Pattern marshaller = Pattern.compile(Pattern.quote(SERVICES) + "([a-z0-9]+)/transform/(\\w+)RequestMarshaller");
        Map<String, Set<String>> operations = new TreeMap<>();
        for (String name : jar.present()) {
            Matcher m = request.matcher(name);
            String base = jar.superClass(name);
            if (m.matches() && base != null && AWS_REQUEST.equals(jar.superClass(base))) {
                operations.computeIfAbsent(m.group(1), s -> new TreeSet<>()).add(m.group(2));
            }
        }
        for (String name : jar.referencedBy(n -> client.matcher(n).matches())) {
            Matcher m = marshaller.matcher(name);
            if (m.matches()) {
                operations.computeIfAbsent(m.group(1), s -> new TreeSet<>()).add(m.group(2));
            }
        }
        return operations;
    }

    /** For each service: the operations whose requests the driver's own classes (not shaded/) name, and SDK_CALLS. */
    static Map<String, Set<String>> calledOperations(JarClasses jar) {
        Pattern request = Pattern.compile(Pattern.quote(SERVICES) + "([a-z0-9]+)/model/(\\w+)Request(\\$.*)?");
        Map<String, Set<String>> called = new TreeMap<>();
        Set<String> driverNames = jar.referencedBy(n -> n.startsWith("io/lava/jdbc/") && !n.startsWith(SHADED));
        for (String name : driverNames) {
            Matcher m = request.matcher(name);
            if (m.matches()) {
                called.computeIfAbsent(m.group(1), s -> new TreeSet<>()).add(m.group(2));
            }
        }
        for (SdkCall call : SDK_CALLS) {
            called.computeIfAbsent(call.service(), s -> new TreeSet<>()).add(call.operation());
        }
        return called;
    }

    /**
     * The classes of the AWS operations that nothing calls: for each service in the jar, each operation but the called
     * ones, its {@code model/<Op>Request} and {@code model/<Op>Response}, {@code transform/<Op>RequestMarshaller},
     * {@code paginators/<Op>Iterable} and {@code paginators/<Op>Publisher} with their nested classes, and the
     * service's {@code waiters/} when none of the operations its waiters poll is called. They may be absent; when one
     * is kept (the bytecode verifier loads every {@code *Request} class when it checks the client), it is a stub
     * that no code path initialises, so its own references are not followed.
     */
    static Allowance uncalledOperations(JarClasses jar) throws IOException {
        Map<String, Set<String>> called = calledOperations(jar);
        List<String> alternatives = new ArrayList<>();
        for (Map.Entry<String, Set<String>> service : operations(jar).entrySet()) {
            Set<String> calledHere = called.getOrDefault(service.getKey(), Set.of());
            if (calledHere.contains("*")) {
                continue;
            }
            Set<String> uncalled = new TreeSet<>(service.getValue());
            uncalled.removeAll(calledHere);
            if (uncalled.isEmpty()) {
                continue;
            }
            String ops = "(?:" + String.join("|", uncalled) + ")";
            String prefix = Pattern.quote(SERVICES + service.getKey() + "/");
            alternatives.add(prefix + "(?:model/" + ops + "(?:Request|Response)|transform/" + ops
                    + "RequestMarshaller|paginators/" + ops + "(?:Iterable|Publisher))(?:\\$.*)?");
            Set<String> polled = waiterOperations(jar, service.getKey());
            if (!polled.isEmpty() && polled.stream().noneMatch(calledHere::contains)) {
                alternatives.add(prefix + "waiters/.*");
            }
        }
        Pattern stubs = Pattern.compile(String.join("|", alternatives));
        return Allowance.stubs("the AWS operations nothing calls: " + called,
                n -> stubs.matcher(n).matches(),
                "model, marshaller, paginator and waiter classes of operations the driver never calls");
    }

    /**
     * Exceptions of AWS's common error codes (AWS API reference, "Common errors"), which any operation may answer
     * whether or not it declares them; kept for every trimmed service that models them.
     */
    static final Set<String> COMMON = Set.of("AccessDeniedException", "ThrottlingException", "ValidationException",
            "ServiceQuotaExceededException", "ResourceNotFoundException", "InternalServerErrorException",
            "LimitExceededException", "RequestLimitExceededException");

    /** Services whose modeled exceptions are kept only as far as the called operations declare them. */
    static final Map<String, String> TRIMMED_EXCEPTIONS = Map.of("ssm", "SsmClient", "dynamodb", "DynamoDbClient");

    /**
     * The modeled exceptions (SSM, DynamoDB) that no called operation declares in its client interface's
     * {@code throws} clause, read from the SDK's own (unrelocated) interface on the test class path. The client's
     * error-code mapper names every exception of the service, but builds the one for a code only when that code
     * arrives (a switch of lambdas); AWS answers an operation with its own errors and the common ones
     * ({@link #COMMON}, kept), so the others may be absent. A code outside both would end as an incomplete-jar
     * error (a {@code LinkageError}).
     */
    static Allowance undeclaredExceptions() throws IOException {
        Map<String, Set<String>> called = calledOperations(jar);
        List<String> alternatives = new ArrayList<>();
        for (Map.Entry<String, String> service : TRIMMED_EXCEPTIONS.entrySet()) {
            Set<String> declared = declaredExceptions(service.getKey(), service.getValue(),
                    called.getOrDefault(service.getKey(), Set.of()));
            assertThat(declared).as("exceptions declared by the called operations of " + service.getKey())
                    .isNotEmpty();
            declared.addAll(COMMON);
            alternatives.add(Pattern.quote(SERVICES + service.getKey() + "/model/") + "(?!(?:"
                    + String.join("|", declared) + ")(?:\\$|$))\\w+Exception(?:\\$.*)?");
        }
        Pattern undeclared = Pattern.compile(String.join("|", alternatives));
        return new Allowance("modeled exceptions the called operations do not declare: " + called,
                n -> undeclared.matcher(n).matches(), false, 0,
                "modeled exceptions of SSM and DynamoDB that the called operations do not declare");
    }

    /** The simple names of the exceptions that {@code operations} declare in the SDK's client interface. */
    static Set<String> declaredExceptions(String service, String clientInterface, Set<String> operations)
            throws IOException {
        String path = "software/amazon/awssdk/services/" + service + "/";
        Set<String> methods = new TreeSet<>();
        operations.forEach(op -> methods.add(Character.toLowerCase(op.charAt(0)) + op.substring(1)));
        Set<String> declared = new TreeSet<>();
        try (InputStream in = ShadedJarReferencesIT.class.getClassLoader()
                .getResourceAsStream(path + clientInterface + ".class")) {
            new org.objectweb.asm.ClassReader(in.readAllBytes()).accept(new org.objectweb.asm.ClassVisitor(
                    org.objectweb.asm.Opcodes.ASM9) {
                @Override
                public org.objectweb.asm.MethodVisitor visitMethod(int access, String name, String descriptor,
                                                                   String signature, String[] exceptions) {
                    if (methods.contains(name) && exceptions != null) {
                        for (String e : exceptions) {
                            if (e.startsWith(path + "model/")) {
                                declared.add(e.substring(path.length() + "model/".length()));
                            }
                        }
                    }
                    return null;
                }
            }, org.objectweb.asm.ClassReader.SKIP_CODE);
        }
        return declared;
    }

    /**
     * The operations that a service's waiters poll, read from the SDK's own (unrelocated) {@code waiters/*Waiter}
     * interfaces on the test class path.
     */
    static Set<String> waiterOperations(JarClasses jar, String service) throws IOException {
        Set<String> ops = new TreeSet<>();
        Pattern request = Pattern.compile(".*/model/(\\w+)Request");
        String sdkPackage = "software/amazon/awssdk/services/" + service + "/waiters/";
        for (String waiter : waiterInterfaces(jar, service)) {
            try (InputStream in = ShadedJarReferencesIT.class.getClassLoader()
                    .getResourceAsStream(sdkPackage + waiter + ".class")) {
                if (in == null) {
                    continue;
                }
                for (String name : JarReferenceCheck.classFile(in.readAllBytes()).references()) {
                    Matcher m = request.matcher(name);
                    if (m.matches()) {
                        ops.add(m.group(1));
                    }
                }
            }
        }
        return ops;
    }

    /** The waiter interfaces that the service's client interfaces in the jar name, e.g. DynamoDbWaiter. */
    private static Set<String> waiterInterfaces(JarClasses jar, String service) {
        String prefix = SERVICES + service + "/waiters/";
        Set<String> names = new TreeSet<>();
        for (String name : jar.referencedBy(n -> n.startsWith(SERVICES + service + "/") && n.endsWith("Client"))) {
            if (name.startsWith(prefix) && !name.contains("$")) {
                names.add(name.substring(prefix.length()));
            }
        }
        return names;
    }
}
