package io.lava.jdbc.it.packaging.redeploy;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The web application of {@link RedeployServer}: its one class, in the application's own class loader next to the
 * driver jar (as {@code WEB-INF/classes} is next to {@code WEB-INF/lib}). Uses nothing but the JDK, so that it sees
 * the driver only through that loader.
 */
public final class RedeployWebapp {
    private RedeployWebapp() {
    }

    /**
     * Starts the application: loads the JDBC drivers of its class path as {@link DriverManager} does (their static
     * initializers register them), then connects once to each URL and runs {@code select current_user}.
     *
     * @param connects {@code name=url} pairs
     * @return per connect, {@code "<name> ok <current_user>"} or {@code "<name> failed <SQLState> <message>"}, and
     *     first a line {@code "drivers <class names>"} of the drivers this loader loaded
     */
    public static List<String> deploy(List<String> connects) {
        List<String> lines = new ArrayList<>();
        List<String> drivers = new ArrayList<>();
        for (Driver driver : ServiceLoader.load(Driver.class, RedeployWebapp.class.getClassLoader())) {
            if (driver.getClass().getClassLoader() == RedeployWebapp.class.getClassLoader()) {
                drivers.add(driver.getClass().getName());
            }
        }
        Collections.sort(drivers);
        lines.add("drivers " + String.join(",", drivers));
        for (String connect : connects) {
            int eq = connect.indexOf('=');
            String name = connect.substring(0, eq);
            try (Connection c = DriverManager.getConnection(connect.substring(eq + 1));
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select current_user")) {
                rs.next();
                lines.add(name + " ok " + rs.getString(1));
            } catch (SQLException e) {
                lines.add(name + " failed " + e.getSQLState() + " " + firstLine(e.getMessage()));
            }
        }
        return lines;
    }

    /**
     * Stops the application as Tomcat's {@code JdbcLeakPrevention} does: deregisters every driver that this class's
     * loader registered. Must run in a class of that loader: {@link DriverManager} lists and deregisters only the
     * drivers its caller's loader can see.
     *
     * @return the class names of the drivers deregistered, sorted
     */
    public static List<String> undeploy() {
        List<String> deregistered = new ArrayList<>();
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (driver.getClass().getClassLoader() == RedeployWebapp.class.getClassLoader()) {
                try {
                    DriverManager.deregisterDriver(driver);
                    deregistered.add(driver.getClass().getName());
                } catch (SQLException | RuntimeException e) {
                    deregistered.add(driver.getClass().getName() + "(failed: " + e + ")");
                }
            }
        }
        Collections.sort(deregistered);
        return deregistered;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
