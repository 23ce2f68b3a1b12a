package io.lava.jdbc.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.lava.jdbc.it.packaging.JarReferenceCheck.Allowance;
import io.lava.jdbc.it.packaging.JarReferenceCheck.JarClasses;
import io.lava.jdbc.it.packaging.JarReferenceCheck.Missing;
import io.lava.jdbc.it.packaging.JarReferenceCheck.Result;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/** {@link JarReferenceCheck} on small jars of classes made here with ASM. */
class JarReferenceCheckTest {
    @TempDir
    Path dir;

    /** A class {@code name} extending {@code superName} with one static method that calls {@code callee.run()}. */
    private static byte[] caller(String name, String superName, String callee) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, name, null, superName, null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "go", "()V", null, null);
        mv.visitCode();
        if (callee != null) {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, callee, "run", "()V", false);
        }
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private Path jar(Map<String, byte[]> entries) throws IOException {
        Path jar = dir.resolve("test-" + System.nanoTime() + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                j.putNextEntry(new JarEntry(e.getKey()));
                j.write(e.getValue());
                j.closeEntry();
            }
        }
        return jar;
    }

    private JarClasses sample() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("app/Base.class", caller("app/Base", "java/lang/Object", null));
        entries.put("app/Main.class", caller("app/Main", "app/Base", "gone/Helper"));
        entries.put("app/UsesJdkAndVersioned.class", caller("app/UsesJdkAndVersioned", "java/util/ArrayList",
                "app/OnlyOnJava11"));
        entries.put("META-INF/versions/11/app/OnlyOnJava11.class", caller("app/OnlyOnJava11", "java/lang/Object",
                null));
        entries.put("app/Optional.class", caller("app/Optional", "java/lang/Object", "ext/Integration"));
        entries.put("app/model/UnusedRequest.class", caller("app/model/UnusedRequest", "app/Base", "app/model/Shape"));
        entries.put("app/model/BrokenRequest.class", caller("app/model/BrokenRequest", "app/model/GoneBase", null));
        return JarReferenceCheck.read(jar(entries));
    }

    private static Allowance requestStubs() {
        return Allowance.stubs("app/model/*Request", n -> n.matches("app/model/\\w+Request"), "never called");
    }

    @Test
    void reportsAMissingClassWithTheClassesThatReferenceIt() throws IOException {
        Result result = JarReferenceCheck.check(sample(),
                List.of(Allowance.absent("ext/**", "optional"), requestStubs()));

        assertThat(result.passes()).isFalse();
        assertThat(result.missing()).extracting(Missing::name).containsExactly("app/model/GoneBase", "gone/Helper");
        assertThat(result.missing().get(1).referrers()).containsExactly("app/Main");
        assertThat(result.report())
                .contains("2 classes are referenced by classes of test-", "nor allowed to be absent")
                .contains("  gone/Helper\n      referenced by app/Main\n")
                .contains("  app/model/GoneBase\n      referenced by app/model/BrokenRequest\n")
                .doesNotContain("java/util/ArrayList", "app/OnlyOnJava11", "app/Base\n");
    }

    @Test
    void honoursTheAllowListAndReportsEntriesThatCoverNothing() throws IOException {
        JarClasses jar = sample();
        Allowance optional = Allowance.absent("ext/*", "an optional integration");
        Allowance unused = Allowance.absent("org/never/**", "nothing names it");
        Allowance helper = Allowance.absent("gone/Helper", "a precise name");
        Allowance base = Allowance.absent("app/model/GoneBase", "its stub subclass is loaded, so not covered");

        Result withoutOptional = JarReferenceCheck.check(jar, List.of(helper, base, requestStubs()));
        assertThat(withoutOptional.missing()).extracting(Missing::name).containsExactly("ext/Integration");

        Result result = JarReferenceCheck.check(jar, List.of(optional, unused, helper, base, requestStubs()));
        assertThat(result.missing()).isEmpty();
        assertThat(result.unused()).containsExactly(unused);
        assertThat(result.report()).contains("allowance covers nothing (remove it or correct it): org/never/**");
    }

    @Test
    void aStubIsCheckedForItsSupertypesOnly() throws IOException {
        JarClasses jar = sample();
        Allowance gone = Allowance.absent("gone/**", "test");
        Allowance ext = Allowance.absent("ext/**", "test");
        Result result = JarReferenceCheck.check(jar, List.of(gone, ext, requestStubs()));
        // UnusedRequest's call of app/model/Shape is not followed; BrokenRequest's missing super class is reported,
        // and the stub rule does not excuse it
        assertThat(result.missing()).extracting(Missing::name).containsExactly("app/model/GoneBase");

        Result noStubs = JarReferenceCheck.check(jar, List.of(gone, ext, Allowance.absent("app/model/GoneBase", "t")));
        assertThat(noStubs.missing()).extracting(Missing::name).containsExactly("app/model/Shape");
    }

    @Test
    void aNewerJdkEntryAppliesOnlyBeforeThatJdk() throws IOException {
        JarClasses jar = sample();
        int running = Runtime.version().feature();
        List<Allowance> rest = List.of(Allowance.absent("ext/**", "test"), Allowance.absent("app/model/GoneBase", "t"),
                requestStubs());

        Allowance later = Allowance.newerJdk(running + 1, "gone/*", "in the next JDK");
        Result before = JarReferenceCheck.check(jar, concat(rest, later));
        assertThat(before.passes()).as(before::report).isTrue();

        Allowance earlier = Allowance.newerJdk(running, "gone/*", "in this JDK already");
        Result after = JarReferenceCheck.check(jar, concat(rest, earlier));
        assertThat(after.missing()).extracting(Missing::name).containsExactly("gone/Helper");
        assertThat(after.unused()).as("an entry that does not apply is not reported unused").isEmpty();
    }

    @Test
    void readsEveryKindOfReference() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "app/All", "Ljava/lang/Object;Lsig/Iface<Lsig/Arg;>;",
                "sup/Super", new String[] {"sup/Iface"});
        AnnotationVisitor av = cw.visitAnnotation("Lann/Marker;", true);
        av.visit("type", Type.getObjectType("ann/ClassValue"));
        av.visitEnum("kind", "Lann/Kind;", "A");
        av.visitEnd();
        cw.visitField(Opcodes.ACC_PUBLIC, "f", "Lfield/Type;", "Ljava/util/List<Lfield/Element;>;", null).visitEnd();
        cw.visitInnerClass("member/Only$Listed", "member/Only", "Listed", Opcodes.ACC_STATIC);
        cw.visitNestMember("nest/Member");
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "m", "(Lparam/Type;)Lreturn/Type;", null,
                new String[] {"throws/Declared"});
        mv.visitCode();
        Label start = new Label();
        Label end = new Label();
        mv.visitLabel(start);
        mv.visitTypeInsn(Opcodes.NEW, "insn/New");
        mv.visitFieldInsn(Opcodes.GETSTATIC, "insn/Owner", "x", "Linsn/FieldType;");
        mv.visitLdcInsn(Type.getObjectType("ldc/Type"));
        mv.visitLdcInsn(Type.getMethodType("(Lmtype/Arg;)V"));
        mv.visitLdcInsn(new Handle(Opcodes.H_INVOKESTATIC, "handle/Owner", "h", "()V", false));
        Handle bootstrap = new Handle(Opcodes.H_INVOKESTATIC, "indy/Bootstrap", "bsm",
                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
                        + "Ljava/lang/Object;)Ljava/lang/invoke/CallSite;", false);
        mv.visitInvokeDynamicInsn("run", "()Lindy/Result;", bootstrap, Type.getObjectType("indy/Arg"));
        mv.visitInsn(Opcodes.ACONST_NULL);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitLabel(end);
        mv.visitLocalVariable("debug", "Ldebug/Only;", null, start, end, 1);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();

        JarReferenceCheck.ClassFile c = JarReferenceCheck.classFile(cw.toByteArray());

        assertThat(c.name()).isEqualTo("app/All");
        assertThat(c.superClass()).isEqualTo("sup/Super");
        assertThat(c.supertypes()).containsExactlyInAnyOrder("sup/Super", "sup/Iface");
        assertThat(c.references()).contains("sup/Super", "sup/Iface", "sig/Iface", "sig/Arg", "ann/Marker",
                "ann/ClassValue", "ann/Kind", "field/Type", "field/Element", "param/Type", "return/Type",
                "throws/Declared", "insn/New", "insn/Owner", "insn/FieldType", "ldc/Type", "mtype/Arg",
                "handle/Owner", "indy/Bootstrap", "indy/Result", "indy/Arg")
                .doesNotContain("app/All", "member/Only$Listed", "member/Only", "nest/Member", "debug/Only");
    }

    private static List<Allowance> concat(List<Allowance> list, Allowance one) {
        List<Allowance> all = new ArrayList<>(list);
        all.add(one);
        return all;
    }
}
