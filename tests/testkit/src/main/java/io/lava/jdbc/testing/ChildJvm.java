package io.lava.jdbc.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A program in a JVM (or any process) of its own, with exactly the environment a test gives it: how the tests run the
 * jars users run ({@code java -jar ...-all.jar}, a probe with only the jar on its class path, a server redeploying the
 * driver). This class does not depend on JUnit.
 */
public final class ChildJvm {

    /**
     * What a child did.
     *
     * @param exitCode its exit code
     * @param out its standard output, UTF-8
     * @param err its standard error, UTF-8
     */
    public record Run(int exitCode, String out, String err) {
        /** @return standard output followed by standard error */
        public String all() {
            return out + err;
        }
    }

    private ChildJvm() {
    }

    /** @return the {@code java} launcher of the JVM running the tests */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The environment of a user with nothing configured but the harness's static AWS keys: {@code PATH}, {@code HOME}
     * set to {@code home}, {@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY} (the local endpoints' keys), no
     * instance metadata, and AWS config and credentials files that do not exist.
     *
     * @param home an empty directory to stand for the user's home
     * @return a new, mutable map
     */
    public static Map<String, String> cleanEnvironment(Path home) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", home.toString());
        env.put("AWS_ACCESS_KEY_ID", "AKIDLAVATEST");
        env.put("AWS_SECRET_ACCESS_KEY", "lava-test-secret-key");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_CONFIG_FILE", home.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("no-aws-credentials").toString());
        return env;
    }

    /**
     * Runs {@code command} with exactly {@code env}, its standard input closed, and waits for it.
     *
     * @param command the program and its arguments
     * @param env the whole environment of the child
     * @param timeout how long it may run; then it is killed and an {@link AssertionError} names it
     * @param started called once the process runs (e.g. to send it a signal)
     * @return its exit code and output
     */
    public static Run run(List<String> command, Map<String, String> env, Duration timeout, Consumer<Process> started) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().clear();
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().close();
            started.accept(process);
            CompletableFuture<String> out = read(process.getInputStream());
            CompletableFuture<String> err = read(process.getErrorStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + timeout + ": "
                        + out.getNow(""));
            }
            return new Run(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** As {@link #run(List, Map, Duration, Consumer)}, with nothing to do once it runs. */
    public static Run run(List<String> command, Map<String, String> env, Duration timeout) {
        return run(command, env, timeout, process -> { });
    }

    private static CompletableFuture<String> read(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
