package io.lava.jdbc.it.credentials;

import io.lava.jdbc.LavaPgDriver;
import io.lava.jdbc.internal.engine.SharedEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Connects through the lava-pg-jdbc jar on the class path to each URL given, notes the private CA files the engine
 * wrote for fetched bundles, ends the engine one way, and prints whether each file is still there. Launched by
 * {@link S3CaBundleIT} in a JVM of its own, in source-file mode ({@code java -cp <-all jar> CaFilesProbe.java ...}),
 * so the check runs before the JVM's exit would delete the files anyway.
 *
 * <p>Arguments: how to end the engine ({@code shared}: {@link SharedEngine#close()}; {@code deregister}:
 * {@link LavaPgDriver#deregister()}; {@code deregisterDriver}: {@link DriverManager#deregisterDriver} of the registered
 * instance), then the URLs. Prints {@code before <path> <exists>} and {@code after <path> <exists>} lines, and
 * {@code dir <path> <exists>} for each file's directory after the end.
 */
public final class CaFilesProbe {
    private CaFilesProbe() {
    }

    public static void main(String[] args) throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            try (Connection c = DriverManager.getConnection(args[i])) {
                c.isValid(5);
            }
            String file = SharedEngine.get().resolve(args[i], null).resolution().connection().sslCaFile();
            files.add(Path.of(file));
        }
        for (Path file : files) {
            System.out.println("before " + file + " " + Files.exists(file));
        }
        switch (args[0]) {
            case "shared" -> SharedEngine.close();
            case "deregister" -> LavaPgDriver.deregister();
            case "deregisterDriver" -> DriverManager.deregisterDriver(DriverManager.getDriver(args[1]));
            default -> throw new IllegalArgumentException(args[0]);
        }
        for (Path file : files) {
            System.out.println("after " + file + " " + Files.exists(file));
            System.out.println("dir " + file.getParent() + " " + Files.exists(file.getParent()));
        }
    }
}
