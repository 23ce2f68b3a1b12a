package io.lava.jdbc.it.packaging.redeploy;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A servlet container's redeploy cycle, run in a JVM of its own whose class path holds only this class. Each cycle
 * deploys {@link RedeployWebapp} in a fresh {@link URLClassLoader} named {@code webapp-<n>} over the application's
 * classes and the driver jar (parent: the platform class loader, so nothing of the driver is shared), connects, and
 * undeploys it as Tomcat does: the application's loader deregisters its own drivers, then the container closes the
 * loader and drops it. Then it checks that nothing of any cycle is left: every loader collected, no thread started
 * since before the first deploy that belongs to an application or its libraries, no MBean in domain
 * {@code io.lava.jdbc}. After the last undeploy the server runs nothing but collections, as an idle server would: in
 * particular it links no record of its own, which on JDK 17 would release a record class of the application that the
 * JDK still holds (see {@code LavaPgDriver}'s deregistration) and hide that leak.
 *
 * <p>Usage: {@code RedeployServer <webapp classes dir> <driver jar> <cycles> <name=url>...}. Prints one line per
 * event, machine-readable:
 * <pre>
 * jvm &lt;version&gt;
 * deploy &lt;cycle&gt; drivers &lt;class,...&gt;
 * connect &lt;cycle&gt; &lt;name&gt; ok &lt;current_user&gt; | failed &lt;SQLState&gt; &lt;message&gt;
 * undeploy &lt;cycle&gt; deregistered &lt;class,...&gt;
 * cycle &lt;cycle&gt; &lt;millis&gt; ms
 * leak loader &lt;name&gt;
 * leak thread "&lt;name&gt;" &lt;details&gt; | &lt;stack top&gt; | ...
 * leak mbean &lt;object name&gt;
 * note thread "&lt;name&gt;" ...        (a JVM-wide JDK thread started meanwhile, not holding any application)
 * gc &lt;rounds&gt; rounds &lt;millis&gt; ms
 * result clean | result leaks &lt;count&gt;
 * </pre>
 * Exit code 0 when every cycle ran (leaks or not), 1 when a deploy or undeploy threw. With
 * {@code -Dredeploy.heapDump=<file>} a heap dump of live objects is written there when something leaked.
 */
public final class RedeployServer {
    /** How long collection may take after the last undeploy. */
    private static final long COLLECT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final String WEBAPP_CLASS = "io.lava.jdbc.it.packaging.redeploy.RedeployWebapp";
    private static final String LOADER_PREFIX = "webapp-";
    private static final int STACK_FRAMES = 8;
    /**
     * Threads the JDK itself starts on behalf of any caller and shares with the whole JVM; the driver's use may
     * start them. They are leaks only when they hold an application (context class loader, class or stack frame).
     */
    private static final List<String> JVM_WIDE_THREADS = List.of("ForkJoinPool.commonPool-worker-",
            "Keep-Alive-Timer", "Keep-Alive-SocketCleaner", "Common-Cleaner", "Attach Listener", "process reaper");

    private RedeployServer() {
    }

    public static void main(String[] args) throws Exception {
        Path webapp = Path.of(args[0]);
        Path jar = Path.of(args[1]);
        int cycles = Integer.parseInt(args[2]);
        List<String> connects = List.of(Arrays.copyOfRange(args, 3, args.length));

        // what a container does before it deploys anything (Tomcat's JreMemoryLeakPreventionListener): DriverManager
        // loads the system class path's drivers now, never an application's through its context class loader
        DriverManager.getDrivers();
        System.out.println("jvm " + Runtime.version());
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        Set<Long> threadsBefore = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            threadsBefore.add(t.getId());
        }

        ReferenceQueue<ClassLoader> queue = new ReferenceQueue<>();
        Map<Reference<ClassLoader>, String> loaders = new LinkedHashMap<>();
        for (int n = 1; n <= cycles; n++) {
            long cycleStart = System.nanoTime();
            try {
                loaders.put(cycle(n, webapp, jar, connects, queue), LOADER_PREFIX + n);
                System.out.println("cycle " + n + " " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cycleStart)
                        + " ms");
            } catch (InvocationTargetException e) {
                System.out.println("error " + n + " " + e.getCause());
                e.getCause().printStackTrace();
                System.exit(1);
            }
        }

        long start = System.nanoTime();
        int rounds = 0;
        List<String> leaks;
        List<String> notes;
        while (true) {
            rounds++;
            System.gc();
            allocate();
            // waits up to 100 ms for a loader to be cleared, giving the reference and cleaner threads their turn
            queue.remove(100);
            loaders.keySet().removeIf(r -> r.refersTo(null));
            leaks = new ArrayList<>();
            notes = new ArrayList<>();
            for (String name : loaders.values()) {
                leaks.add("leak loader " + name);
            }
            threads(threadsBefore, leaks, notes);
            for (ObjectName name : new TreeSet<>(mbeans.queryNames(new ObjectName("io.lava.jdbc:*"), null))) {
                leaks.add("leak mbean " + name);
            }
            if (leaks.isEmpty() || System.nanoTime() - start > COLLECT_NANOS) {
                break;
            }
        }
        System.out.println("gc " + rounds + " rounds " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                + " ms");
        leaks.forEach(System.out::println);
        notes.forEach(System.out::println);
        if (leaks.isEmpty()) {
            System.out.println("result clean");
        } else {
            System.out.println("result leaks " + leaks.size());
            String dump = System.getProperty("redeploy.heapDump");
            if (dump != null) {
                heapDump(dump);
                System.out.println("heapdump " + dump);
            }
        }
        System.out.flush();
    }

    /** Deploys, connects and undeploys once; returns only a weak reference to the application's loader. */
    @SuppressWarnings("unchecked")
    private static Reference<ClassLoader> cycle(int n, Path webapp, Path jar, List<String> connects,
                                                ReferenceQueue<ClassLoader> queue) throws Exception {
        URLClassLoader loader = new URLClassLoader(LOADER_PREFIX + n,
                new URL[] {webapp.toUri().toURL(), jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Thread current = Thread.currentThread();
        ClassLoader before = current.getContextClassLoader();
        // a container runs the application's start, requests and stop with its loader as context class loader
        current.setContextClassLoader(loader);
        try {
            Class<?> app = Class.forName(WEBAPP_CLASS, true, loader);
            List<String> lines = (List<String>) app.getMethod("deploy", List.class).invoke(null, connects);
            System.out.println("deploy " + n + " " + lines.get(0));
            for (String line : lines.subList(1, lines.size())) {
                System.out.println("connect " + n + " " + line);
            }
            List<String> deregistered = (List<String>) app.getMethod("undeploy").invoke(null);
            System.out.println("undeploy " + n + " deregistered " + String.join(",", deregistered));
        } finally {
            current.setContextClassLoader(before);
            loader.close();
        }
        return new WeakReference<>(loader, queue);
    }

    /** A few allocation rounds, so that the collector also clears what only young collections would. */
    private static void allocate() {
        byte[][] junk = new byte[32][];
        for (int i = 0; i < junk.length; i++) {
            junk[i] = new byte[1 << 20];
        }
        if (junk[junk.length - 1].length == 0) {
            throw new AssertionError();
        }
    }

    /**
     * Sorts the threads started since {@code before} into leaks (holding an application through its context class
     * loader, its class or a stack frame, or not a JVM-wide JDK thread) and notes (JVM-wide JDK threads).
     */
    private static void threads(Set<Long> before, List<String> leaks, List<String> notes) {
        Map<Thread, StackTraceElement[]> all = Thread.getAllStackTraces();
        List<Thread> started = all.keySet().stream().filter(t -> !before.contains(t.getId()))
                .sorted((a, b) -> Long.compare(a.getId(), b.getId())).collect(Collectors.toList());
        for (Thread t : started) {
            StackTraceElement[] stack = all.get(t);
            String holds = holds(t, stack);
            boolean jvmWide = JVM_WIDE_THREADS.stream().anyMatch(p -> t.getName().startsWith(p));
            String line = "thread \"" + t.getName() + "\" id=" + t.getId() + (t.isDaemon() ? " daemon" : "")
                    + " state=" + t.getState() + " contextClassLoader=" + loaderName(t.getContextClassLoader())
                    + " class=" + t.getClass().getName() + "@" + loaderName(t.getClass().getClassLoader())
                    + (holds.isEmpty() ? "" : " holds=" + holds)
                    + Arrays.stream(stack).limit(STACK_FRAMES).map(f -> " | at " + frame(f)).collect(
                            Collectors.joining());
            if (!holds.isEmpty() || !jvmWide) {
                leaks.add("leak " + line);
            } else {
                notes.add("note " + line);
            }
        }
    }

    /** @return what ties {@code t} to an application loader ({@code contextClassLoader,class,stack}), or "" */
    private static String holds(Thread t, StackTraceElement[] stack) {
        List<String> holds = new ArrayList<>();
        if (isWebapp(t.getContextClassLoader())) {
            holds.add("contextClassLoader");
        }
        if (isWebapp(t.getClass().getClassLoader())) {
            holds.add("class");
        }
        if (Arrays.stream(stack).anyMatch(f -> f.getClassLoaderName() != null
                && f.getClassLoaderName().startsWith(LOADER_PREFIX))) {
            holds.add("stack");
        }
        return String.join(",", holds);
    }

    private static boolean isWebapp(ClassLoader loader) {
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l.getName() != null && l.getName().startsWith(LOADER_PREFIX)) {
                return true;
            }
        }
        return false;
    }

    private static String loaderName(ClassLoader loader) {
        if (loader == null) {
            return "bootstrap";
        }
        return loader.getName() != null ? loader.getName() : loader.getClass().getName();
    }

    private static String frame(StackTraceElement f) {
        return (f.getClassLoaderName() != null ? f.getClassLoaderName() + "//" : "") + f.getClassName() + "."
                + f.getMethodName() + (f.getLineNumber() >= 0 ? ":" + f.getLineNumber() : "");
    }

    private static void heapDump(String file) throws IOException {
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(file, true);
    }
}
