package io.lava.jdbc.examples.benchmarks;

import io.lava.jdbc.testing.LocalAws;
import java.io.File;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One of the fresh JVMs row 5 times: how it is started and what ends its clock.
 *
 * @param id the table's row, {@code 5a} to {@code 5h}
 * @param name how the table names it
 * @param options JVM options of this variant ({@code -D...}), before the main class or jar
 * @param launch the rest of the command: {@code -cp <jars> ColdStartProbe <url>} or {@code -jar <jar> check <url>}
 * @param environment variables the child gets besides the dummy AWS credentials
 * @param probe {@code true}: the clock stops when the child prints {@code ok}, and its second line is its peak RSS
 *     ({@link ColdStartProbe}); {@code false}: the clock stops when the child exits with status 0
 * @param classpath how the table names what the child runs from
 */
record ColdStartVariant(String id, String name, List<String> options, List<String> launch,
                        Map<String, String> environment, boolean probe, String classpath) {

    /** {@link #id()} of pgjdbc alone, the baseline of every ratio. */
    static final String PGJDBC = "5e";
    /** {@link #id()} of the AWS Advanced JDBC Wrapper, which the goal's lava-pg variants must beat. */
    static final String WRAPPER = "5c";
    /** The lava-pg variants the goal is about. */
    static final List<String> GOAL = List.of("5a", "5b", "5f", "5h");
    /** {@link #id()} of the floor: lava-pg's AWS calls made with the SDK's own clients, without lava-pg. */
    static final String FLOOR = "5g";
    /** {@link #id()} of lava-pg's IAM cold start with the record from a local file: signing only, as the wrapper. */
    static final String FILE_IAM = "5h";
    /** {@link #id()} of the variant whose driver steps the timeline shows. */
    static final String TIMELINE = "5a";

    /** The library has no {@code META-INF/services/java.sql.Driver} entry: the probe loads this class by name. */
    private static final String SECRETS_MANAGER_DRIVER =
            "com.amazonaws.secretsmanager.sql.AWSSecretsManagerPostgreSQLDriver";

    /**
     * @param java the {@code java} launcher
     * @param extra JVM options of one run (e.g. {@code -XX:+PerfDataSaveToFile}), before this variant's own
     * @return the command line
     */
    List<String> command(String java, List<String> extra) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(extra);
        command.addAll(options);
        command.addAll(launch);
        return command;
    }

    /**
     * The six variants, in the table's order, all against the same server with {@code sslmode=verify-full}, the test
     * CA and {@code ApplicationName}.
     *
     * @param env the servers
     * @param jars where the drivers' jars are
     * @param probe the directory holding the probe's class file alone
     * @param floorProbe the directory holding {@link SdkFloorProbe}'s class file and the probe's
     * @return 5a lava-pg record + SSM, 5b lava-pg IAM, 5c AWS wrapper IAM, 5d AWS Secrets Manager JDBC, 5e pgjdbc
     *     alone, 5f {@code lava-pg check}, 5g the same AWS calls as 5a with the SDK's own clients and no lava-pg,
     *     5h lava-pg IAM with the record from a local file
     */
    static List<ColdStartVariant> all(BenchEnv env, AlternativeJars jars, Path probe, Path floorProbe) {
        Sizes sizes = jars.sizes();
        List<Path> lavaJars = sizes.coldStartClasspath();
        String lavaLabel = sizes.coldStartLabel();
        String tls = "sslmode=verify-full&sslrootcert=" + URLEncoder.encode(env.caCertificate(), StandardCharsets.UTF_8);
        String pgjdbcUrl = env.serverUrl("jdbc:postgresql:") + "?" + tls + "&user=" + BenchEnv.ROLE_SSM
                + application(BenchEnv.WARM);
        String wrapperUrl = env.serverUrl("jdbc:aws-wrapper:postgresql:") + "?wrapperPlugins=iam&iamRegion="
                + BenchEnv.REGION + "&user=" + BenchEnv.ROLE_IAM_WRAPPER_COLD + "&" + tls
                + application(BenchEnv.IAM_COLD);
        String secretUrl = env.serverUrl("jdbc-secretsmanager:postgresql:") + "?" + tls + application(BenchEnv.SECRET);
        String warm = env.lavaUrl(BenchEnv.WARM);
        List<Path> sdkAndPgjdbc = new ArrayList<>(sizes.runtimeJars());
        sdkAndPgjdbc.remove(sizes.thinJar());
        List<String> check = sizes.allJar() != null ? List.of("-jar", sizes.allJar().toString(), "check", warm)
                : List.of("-cp", classpath(List.of(), lavaJars), "io.lava.jdbc.cli.LavaPgCli", "check", warm);
        return List.of(
                new ColdStartVariant("5a", "lava-pg, record + SSM password (bench/warm)", List.of(),
                        probe(probe, lavaJars, warm), Map.of(), true, lavaLabel),
                new ColdStartVariant("5b", "lava-pg, RDS IAM token (bench/iam-cold)", List.of(),
                        probe(probe, lavaJars, env.lavaUrl(BenchEnv.IAM_COLD)), Map.of(), true, lavaLabel),
                new ColdStartVariant(WRAPPER, "AWS Advanced JDBC Wrapper, IAM", List.of(),
                        probe(probe, jars.wrapper(), wrapperUrl), Map.of(), true, jars.wrapperLabel()),
                new ColdStartVariant("5d", "AWS Secrets Manager JDBC, secret", List.of(
                        "-D" + ColdStartProbe.DRIVER_CLASS_PROPERTY + "=" + SECRETS_MANAGER_DRIVER,
                        "-D" + ColdStartProbe.USER_PROPERTY + "=" + BenchEnv.SECRET_ID,
                        "-Ddrivers.vpcEndpointUrl=" + env.awsEndpoint(),
                        "-Ddrivers.vpcEndpointRegion=" + BenchEnv.REGION),
                        probe(probe, jars.secretsManagerJdbc(), secretUrl), Map.of(), true,
                        jars.secretsManagerJdbcLabel()),
                new ColdStartVariant(PGJDBC, "pgjdbc alone, password given", List.of(),
                        probe(probe, List.of(sizes.pgjdbcJar()), pgjdbcUrl),
                        Map.of(ColdStartProbe.PASSWORD_VARIABLE, env.password(BenchEnv.ROLE_SSM)), true,
                        "pgjdbc jar only"),
                new ColdStartVariant("5f", "lava-pg check bench/warm (CLI), start to exit 0", List.of(), check,
                        Map.of(), false, sizes.allJar() == null ? lavaLabel : "java -jar <-all jar> check"),
                new ColdStartVariant(FLOOR, "floor: AWS SDK GetItem + GetParameter, then pgjdbc, no lava-pg",
                        List.of(), List.of("-cp", classpath(List.of(floorProbe), sdkAndPgjdbc),
                        SdkFloorProbe.class.getName(), env.awsEndpoint(), BenchEnv.REGION,
                        LocalAws.connectionsTable(BenchEnv.REALM), BenchEnv.WARM, pgjdbcUrl), Map.of(), true,
                        "the driver's runtime jars without its own: the SDK unrelocated, pgjdbc"),
                new ColdStartVariant(FILE_IAM, "lava-pg, RDS IAM token, record from a local records file",
                        List.of(), probe(probe, lavaJars, "jdbc:lava-pg:" + BenchEnv.REALM + "/" + BenchEnv.IAM_COLD
                        + "?connectionsFile=" + URLEncoder.encode(env.recordsFile().toString(), StandardCharsets.UTF_8)
                        + "&awsRegion=" + BenchEnv.REGION), Map.of(), true, lavaLabel + "; no AWS call"));
    }

    private static String application(String connId) {
        return "&ApplicationName=lv-" + BenchEnv.REALM + "-" + connId;
    }

    private static List<String> probe(Path probe, List<Path> jars, String url) {
        return List.of("-cp", classpath(List.of(probe), jars), ColdStartProbe.class.getName(), url);
    }

    private static String classpath(List<Path> first, List<Path> jars) {
        List<String> entries = new ArrayList<>();
        first.forEach(p -> entries.add(p.toString()));
        jars.forEach(p -> entries.add(p.toString()));
        return String.join(File.pathSeparator, entries);
    }

    /** Never the password: the environment is left out. */
    @Override
    public String toString() {
        return id + " " + name;
    }
}
