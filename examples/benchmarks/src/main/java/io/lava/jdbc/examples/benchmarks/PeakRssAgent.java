package io.lava.jdbc.examples.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Java agent for the one variant of row 5 that is not the probe ({@code java -jar <-all jar> check ...}, which ends
 * with {@code System.exit}): {@code -javaagent:<jar>=<file>} registers a shutdown hook that writes the process's
 * {@code VmHWM} line of {@code /proc/self/status} to {@code <file>} as the JVM exits. Used only in untimed runs (an
 * agent adds {@code java.instrument} to the start); needs nothing but the JDK, and its jar holds this class alone.
 */
public final class PeakRssAgent {
    private PeakRssAgent() {
    }

    /**
     * @param file where the {@code VmHWM} line goes
     */
    public static void premain(String file) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.writeString(Path.of(file), peakResidentSet() + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                // the parent reports no value
            }
        }, "peak-rss"));
    }

    /** The same reading as {@link ColdStartProbe}'s, kept here so that the agent's jar holds this class alone. */
    private static String peakResidentSet() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return line.replaceAll("\\s+", " ").trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "VmHWM: -";
    }
}
