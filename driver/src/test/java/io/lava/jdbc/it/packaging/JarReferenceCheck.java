package io.lava.jdbc.it.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.MethodRemapper;
import org.objectweb.asm.commons.Remapper;

/**
 * Which classes the classes of a jar reference that are neither in the jar, nor in the JDK that runs the check, nor
 * allowed to be absent.
 *
 * <p>The references are read from the class files with ASM: a {@link ClassRemapper} hands every class name a class
 * file holds to its {@link Remapper} (super class and interfaces, field and method descriptors and generic
 * signatures, annotations and their values, the owners and types of instructions, LDC, method handle and method type
 * constants, invokedynamic with its bootstrap method and arguments, exception tables, stack map frames, the nest host
 * and the enclosing method). Not counted are the class file's lists of member classes, nest members and permitted
 * subclasses, which the JVM compares by name and loads none of, and the types of local variables, which are debug
 * information only. A class counts as present when the jar holds it
 * at its root or under {@code META-INF/versions/<n>/}, and as in the JDK when the running JDK's runtime image
 * ({@code jrt:/}) holds it.
 */
final class JarReferenceCheck {
    private static final int SHOWN_REFERRERS = 6;

    private JarReferenceCheck() {
    }

    /**
     * Classes that may be referenced and absent, and why.
     *
     * @param what how the entry reads in a report, e.g. {@code org/osgi/**}
     * @param matches the internal class names it covers
     * @param stubs whether a covered class that the jar does hold is a stub whose own references are not followed
     * @param beforeJdk 0, or the JDK feature release from which the covered classes are in the JDK: the entry then
     *     applies only on an older JDK
     * @param reason why the classes may be absent
     */
    record Allowance(String what, Predicate<String> matches, boolean stubs, int beforeJdk, String reason) {
        /**
         * @param glob internal class names: {@code *} stands for any characters but '/', {@code **} for any characters
         */
        static Allowance absent(String glob, String reason) {
            return new Allowance(glob, glob(glob), false, 0, reason);
        }

        /** Classes of a JDK newer than {@code feature - 1}, which the code references behind a version check. */
        static Allowance newerJdk(int feature, String glob, String reason) {
            return new Allowance(glob, glob(glob), false, feature, reason);
        }

        /** Classes that may be absent and, when the jar holds them, are not walked: nothing that runs uses them. */
        static Allowance stubs(String what, Predicate<String> matches, String reason) {
            return new Allowance(what, matches, true, 0, reason);
        }

        boolean applies() {
            return beforeJdk == 0 || Runtime.version().feature() < beforeJdk;
        }

        private static Predicate<String> glob(String glob) {
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    regex.append(".*");
                    i++;
                } else if (c == '*') {
                    regex.append("[^/]*");
                } else {
                    regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(regex.toString()).asMatchPredicate();
        }
    }

    /**
     * One class file.
     *
     * @param superClass its super class, null for java/lang/Object
     * @param supertypes its super class and interfaces: what loading it loads
     * @param references every class it names but itself, the supertypes included
     */
    record ClassFile(String name, String superClass, Set<String> supertypes, Set<String> references) {
    }

    /**
     * The classes of a jar.
     *
     * @param present internal names of the classes it holds, at its root or under {@code META-INF/versions/<n>/}
     * @param classFiles its class files by entry name without {@code .class}
     */
    record JarClasses(Path jar, Set<String> present, Map<String, ClassFile> classFiles) {
        /** The classes that class files of classes matching {@code from} name. */
        Set<String> referencedBy(Predicate<String> from) {
            Set<String> names = new TreeSet<>();
            for (ClassFile c : classFiles.values()) {
                if (from.test(c.name())) {
                    names.addAll(c.references());
                }
            }
            return names;
        }

        /** The super class of a class the jar holds at its root, or null. */
        String superClass(String name) {
            ClassFile c = classFiles.get(name);
            return c == null ? null : c.superClass();
        }
    }

    /** A class that is referenced and absent, and the class files that reference it. */
    record Missing(String name, SortedSet<String> referrers) {
    }

    /**
     * @param missing what is referenced, absent and not allowed to be
     * @param unused allowances that covered nothing: the list must say only what is true
     */
    record Result(JarClasses jar, List<Missing> missing, List<Allowance> unused) {
        boolean passes() {
            return missing.isEmpty() && unused.isEmpty();
        }

        /** What failed, naming each missing class with the class files that reference it. */
        String report() {
            StringBuilder out = new StringBuilder();
            if (!missing.isEmpty()) {
                out.append(missing.size()).append(" classes are referenced by classes of ")
                        .append(jar.jar().getFileName()).append(" but are neither in it, nor in the JDK (")
                        .append(Runtime.version()).append("), nor allowed to be absent:\n");
                for (Missing m : missing) {
                    out.append("  ").append(m.name()).append("\n      referenced by ");
                    List<String> shown = m.referrers().stream().limit(SHOWN_REFERRERS).toList();
                    out.append(String.join(", ", shown));
                    if (m.referrers().size() > shown.size()) {
                        out.append(" and ").append(m.referrers().size() - shown.size()).append(" more");
                    }
                    out.append('\n');
                }
            }
            for (Allowance a : unused) {
                out.append("allowance covers nothing (remove it or correct it): ").append(a.what()).append(" (")
                        .append(a.reason()).append(")\n");
            }
            return out.toString();
        }
    }

    /** Reads every class file of {@code jar} and the class names each holds. */
    static JarClasses read(Path jar) throws IOException {
        Set<String> present = new TreeSet<>();
        Map<String, ClassFile> classFiles = new TreeMap<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry e : Collections.list(file.entries())) {
                String name = e.getName();
                if (e.isDirectory() || !name.endsWith(".class") || name.endsWith("module-info.class")) {
                    continue;
                }
                String entry = name.substring(0, name.length() - ".class".length());
                try (InputStream in = file.getInputStream(e)) {
                    ClassFile c = classFile(in.readAllBytes());
                    present.add(c.name());
                    classFiles.put(entry, c);
                }
            }
        }
        return new JarClasses(jar, present, classFiles);
    }

    /** Reads one class file: its name, supertypes and the class names it holds but its own. */
    static ClassFile classFile(byte[] classFile) {
        Set<String> names = new TreeSet<>();
        Remapper collector = new Remapper() {
            @Override
            public String map(String internalName) {
                names.add(internalName);
                return internalName;
            }
        };
        ClassReader reader = new ClassReader(classFile);
        // A ClassWriter as the delegate, so that the remapper is handed fields, methods and annotations at all.
        reader.accept(new ClassRemapper(new ClassWriter(0), collector) {
            @Override
            public void visitInnerClass(String name, String outerName, String innerName, int access) {
                // the member-class list: compared by name, never loaded
            }

            @Override
            public void visitNestMember(String nestMember) {
            }

            @Override
            public void visitPermittedSubclass(String permittedSubclass) {
            }

            @Override
            protected MethodVisitor createMethodRemapper(MethodVisitor methodVisitor) {
                return new MethodRemapper(api, methodVisitor, remapper) {
                    @Override
                    public void visitLocalVariable(String name, String descriptor, String signature, Label start,
                            Label end, int index) {
                        // debug information: LocalVariableTable and LocalVariableTypeTable
                    }
                };
            }
        }, 0);
        names.remove(reader.getClassName());
        Set<String> supertypes = new TreeSet<>(List.of(reader.getInterfaces()));
        if (reader.getSuperName() != null) {
            supertypes.add(reader.getSuperName());
        }
        return new ClassFile(reader.getClassName(), reader.getSuperName(), supertypes, names);
    }

    /**
     * Checks every class file of {@code jar}; of a stub (see {@link Allowance#stubs}) only the supertypes, which
     * loading it loads.
     */
    static Result check(JarClasses jar, List<Allowance> allowances) {
        List<Allowance> applying = allowances.stream().filter(Allowance::applies).toList();
        Set<Allowance> used = Collections.newSetFromMap(new HashMap<>());
        Map<String, SortedSet<String>> missing = new TreeMap<>();
        Jdk jdk = new Jdk();
        for (Map.Entry<String, ClassFile> e : jar.classFiles().entrySet()) {
            ClassFile c = e.getValue();
            Allowance stub = first(applying, a -> a.stubs() && a.matches().test(c.name()));
            if (stub != null) {
                used.add(stub);
            }
            for (String name : stub == null ? c.references() : c.supertypes()) {
                if (jar.present().contains(name) || jdk.has(name)) {
                    continue;
                }
                Allowance allowed = first(applying, a -> a.matches().test(name) && (stub == null || !a.stubs()));
                if (allowed != null) {
                    used.add(allowed);
                } else {
                    missing.computeIfAbsent(name, n -> new TreeSet<>()).add(e.getKey());
                }
            }
        }
        List<Allowance> unused = applying.stream().filter(a -> !used.contains(a)).toList();
        List<Missing> list = new ArrayList<>();
        missing.forEach((name, referrers) -> list.add(new Missing(name, referrers)));
        return new Result(jar, list, unused);
    }

    private static Allowance first(List<Allowance> allowances, Predicate<Allowance> test) {
        for (Allowance a : allowances) {
            if (test.test(a)) {
                return a;
            }
        }
        return null;
    }

    /** The classes of the running JDK's runtime image, looked up by package. */
    private static final class Jdk {
        private final FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        private final Map<String, List<Path>> modulesByPackage = new HashMap<>();

        boolean has(String internalName) {
            int slash = internalName.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            String pkg = internalName.substring(0, slash).replace('/', '.');
            for (Path module : modulesByPackage.computeIfAbsent(pkg, this::modules)) {
                if (Files.exists(module.resolve(internalName + ".class"))) {
                    return true;
                }
            }
            return false;
        }

        private List<Path> modules(String pkg) {
            Path dir = jrt.getPath("/packages", pkg);
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            try (Stream<Path> links = Files.list(dir)) {
                Set<Path> modules = new LinkedHashSet<>();
                links.forEach(link -> modules.add(jrt.getPath("/modules", link.getFileName().toString())));
                return List.copyOf(modules);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
