package io.lava.jdbc.recipes.tomcat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/**
 * An embedded Tomcat with JNDI, run in a JVM of its own whose class path is this class, Tomcat and the drop-in jar
 * (the jar "in Tomcat's lib/"). It deploys one application from a directory holding only
 * {@code META-INF/context.xml}, adds {@link Lookup} to it, asks it over HTTP for each resource name given and prints
 * one line per name: {@code lookup <name> ok <current_user> <application_name> <data source class>} or
 * {@code lookup <name> failed <exception>}.
 *
 * <p>Usage: {@code JndiServer <base dir> <application dir> <resource name>...}; exit code 0 when Tomcat started and
 * stopped.
 */
public final class JndiServer {
    private JndiServer() {
    }

    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(args[0]);
        tomcat.setPort(0);
        tomcat.getConnector();
        tomcat.enableNaming();
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context app = tomcat.addWebapp("/app", Path.of(args[1]).toAbsolutePath().toString());
        Tomcat.addServlet(app, "lookup", new Lookup());
        app.addServletMappingDecoded("/lookup", "lookup");
        tomcat.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            int port = tomcat.getConnector().getLocalPort();
            List<String> names = Arrays.asList(args).subList(2, args.length);
            for (String name : names) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/app/lookup?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8))).build(),
                        HttpResponse.BodyHandlers.ofString());
                System.out.println("lookup " + name + " " + response.body().strip());
            }
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    /** What an application does: looks the data source up in {@code java:comp/env} and connects. */
    public static final class Lookup extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            String name = request.getParameter("name");
            try {
                DataSource dataSource = (DataSource) new InitialContext().lookup("java:comp/env/" + name);
                try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("select current_user, current_setting('application_name')")) {
                    rs.next();
                    response.getWriter().println("ok " + rs.getString(1) + " " + rs.getString(2) + " "
                            + dataSource.getClass().getName());
                }
            } catch (NamingException | SQLException | RuntimeException e) {
                response.getWriter().println("failed " + e);
            }
        }
    }
}
