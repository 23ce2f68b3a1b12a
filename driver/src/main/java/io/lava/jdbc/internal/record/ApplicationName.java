package io.lava.jdbc.internal.record;

import io.lava.jdbc.internal.request.ConnectionRef;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * lava's session name for a connection: the {@code ApplicationName} pgjdbc sends unless the tool sets its own
 * ({@link #of}).
 */
public final class ApplicationName {
    /** PostgreSQL's limit on {@code application_name}: NAMEDATALEN - 1 bytes. */
    public static final int MAX_APPLICATION_NAME_BYTES = 63;

    /** lava's default {@code CONN_APP_NAME}. */
    public static final String DEFAULT_APP_NAME_TEMPLATE = "lv-{{ realm }}-{{ job_id }}";

    private ApplicationName() {
    }

    /**
     * The session name lava gives a connection ({@code CONN_APP_NAME} in lava 8.3's {@code lava/connection/core.py};
     * docs/lava.md, "Other fields"), used when the tool sets no {@code ApplicationName} of its own.
     *
     * <p>Rules, in order:
     * <ol>
     *   <li>The template is the {@code LAVA_CONN_APP_NAME} environment variable when it is set and not blank, else
     *       lava's default {@value #DEFAULT_APP_NAME_TEMPLATE}. (lava's realm configuration can also set
     *       {@code CONN_APP_NAME}; a Java process sees only the environment form.)</li>
     *   <li>The template is jinja-style: {@code {{realm}}}, {@code {{job_id}}} and {@code {{conn_id}}}, spaces inside
     *       the braces allowed ({@code {{ realm }}}). {@code realm} is the URL's realm, {@code job_id} is
     *       {@code LAVA_JOB_ID}, {@code conn_id} the conn_id. An unset {@code job_id}, or any other name, renders as
     *       nothing, as an undefined jinja variable does.</li>
     *   <li>Where this driver differs from lava: lava sets no name when there is no job id. Here, with no job id and
     *       no {@code LAVA_CONN_APP_NAME}, the name is {@code lv-<realm>-<conn_id>}, so that a session can still be
     *       traced to its record; a rendering that is empty after the next step gives the same fallback.</li>
     *   <li>Single quotes, double quotes and backslashes are removed from the result, as lava does.</li>
     *   <li>The result is cut to at most 63 UTF-8 bytes on a character boundary (PostgreSQL keeps NAMEDATALEN - 1
     *       bytes of {@code application_name}).</li>
     * </ol>
     *
     * @param realm the realm
     * @param connId the conn_id
     * @param env environment lookup ({@code LAVA_CONN_APP_NAME}, {@code LAVA_JOB_ID})
     * @return the name, never empty, at most {@value #MAX_APPLICATION_NAME_BYTES} UTF-8 bytes
     */
    public static String of(String realm, String connId, UnaryOperator<String> env) {
        String jobId = ConnectionRef.blankToNull(env.apply("LAVA_JOB_ID"));
        String template = env.apply("LAVA_CONN_APP_NAME");
        String name = null;
        if (template != null && !template.isBlank()) {
            name = render(template, Map.of("realm", realm, "conn_id", connId, "job_id", jobId == null ? "" : jobId));
        } else if (jobId != null) {
            name = render(DEFAULT_APP_NAME_TEMPLATE, Map.of("realm", realm, "conn_id", connId, "job_id", jobId));
        }
        if (name == null || name.isBlank()) {
            name = strip("lv-" + realm + "-" + connId);
        }
        return cutToMaxBytes(name);
    }

    private static final Pattern TEMPLATE_VARIABLE = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    private static String render(String template, Map<String, String> variables) {
        Matcher m = TEMPLATE_VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(variables.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        return strip(out.toString());
    }

    private static String strip(String name) {
        return name.replace("'", "").replace("\"", "").replace("\\", "");
    }

    /** @return the name cut to at most 63 UTF-8 bytes on a character boundary */
    public static String cutToMaxBytes(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_APPLICATION_NAME_BYTES) {
            return name;
        }
        int bytes = 0;
        int end = 0;
        while (end < name.length()) {
            int cp = name.codePointAt(end);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > MAX_APPLICATION_NAME_BYTES) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return name.substring(0, end);
    }

}
