package io.lava.jdbc.examples.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a fresh JVM reached each step of a connect, from the class-load log of one untimed run
 * ({@code -Xlog:class+load:file=<file>:uptime}, lines like {@code [0.512s] io.lava.jdbc.LavaPgDriver source: ...}): the
 * JVM uptime at which the first class of each step was loaded. A step whose class never loaded is missing (printed
 * {@code -}); relocated classes of the {@code -all} jar ({@code io.lava.jdbc.shaded.software.amazon.awssdk...}) count
 * as their originals.
 *
 * @param millis uptime in milliseconds per milestone label, in {@link #MILESTONES} order; {@code null} when missing
 * @param endMillis uptime of the log's last line, or {@code NaN} for an empty log
 */
record StartupTimeline(Map<String, Double> millis, double endMillis) {

    /**
     * A step and the class (or, ending in {@code .}, the package) whose first load marks it.
     *
     * @param label how the report names the step
     * @param pattern a class name, or a package name ending in {@code .}
     */
    record Milestone(String label, String pattern) {
        boolean matches(String className) {
            if (pattern.endsWith(".")) {
                return className.startsWith(pattern) || className.contains("." + pattern);
            }
            return className.equals(pattern) || className.endsWith("." + pattern);
        }
    }

    /** The steps, in the order a lava-pg connect takes them; the only list of them. */
    static final List<Milestone> MILESTONES = List.of(
            new Milestone("driver loaded", "io.lava.jdbc.LavaPgDriver"),
            new Milestone("engine built (Caffeine)", "com.github.benmanes.caffeine."),
            new Milestone("JMX", "javax.management.MBeanServer"),
            new Milestone("DynamoDB client built", "software.amazon.awssdk.services.dynamodb.DynamoDbClient"),
            new Milestone("GetItem", "software.amazon.awssdk.services.dynamodb.model.GetItemRequest"),
            new Milestone("first HTTP", "sun.net.www.protocol.http.HttpURLConnection"),
            new Milestone("SSM client built", "software.amazon.awssdk.services.ssm.DefaultSsmClient"),
            new Milestone("GetParameter", "software.amazon.awssdk.services.ssm.model.GetParameterRequest"),
            new Milestone("pgjdbc connect", "org.postgresql.core.v3.ConnectionFactoryImpl"),
            new Milestone("TLS handshake", "sun.security.ssl.ClientHello"),
            new Milestone("first query", "org.postgresql.jdbc.PgStatement"));

    private static final Pattern LINE = Pattern.compile("^\\[(\\d+(?:\\.\\d+)?)s\\]\\S*\\s+(\\S+)");

    /**
     * @param lines the class-load log
     * @return the uptime of each milestone's first class; lines that are not class loads are skipped
     */
    static StartupTimeline parse(List<String> lines) {
        Map<String, Double> at = new LinkedHashMap<>();
        MILESTONES.forEach(m -> at.put(m.label(), null));
        double end = Double.NaN;
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            double millis = Double.parseDouble(m.group(1)) * 1000.0;
            end = millis;
            String className = m.group(2);
            for (Milestone milestone : MILESTONES) {
                if (at.get(milestone.label()) == null && milestone.matches(className)) {
                    at.put(milestone.label(), millis);
                }
            }
        }
        return new StartupTimeline(at, end);
    }

    /**
     * @param timelines the runs to show side by side, by column name
     * @return a Markdown table: one row per milestone plus {@code end}, one column of milliseconds per run
     */
    static String table(Map<String, StartupTimeline> timelines) {
        List<String> header = new ArrayList<>(List.of("step (first class loaded)"));
        header.addAll(timelines.keySet());
        ResultTable table = new ResultTable(header.toArray(String[]::new));
        for (Milestone milestone : MILESTONES) {
            List<String> row = new ArrayList<>(List.of(milestone.label() + " (" + milestone.pattern() + ")"));
            timelines.values().forEach(t -> row.add(cell(t.millis().get(milestone.label()))));
            table.add(row.toArray(String[]::new));
        }
        List<String> end = new ArrayList<>(List.of("end (last class loaded)"));
        timelines.values().forEach(t -> end.add(cell(Double.isNaN(t.endMillis()) ? null : t.endMillis())));
        table.add(end.toArray(String[]::new));
        return table.render();
    }

    private static String cell(Double millis) {
        return millis == null ? "-" : String.format(java.util.Locale.ROOT, "%.0f ms", millis);
    }
}
