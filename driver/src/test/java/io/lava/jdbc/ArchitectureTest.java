package io.lava.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package listing shows the flow, and the flow has no loops: request → record → aws → sources → cache → pg →
 * telemetry → engine → the public API, the command line and the tool integrations (docs/architecture.md).
 */
class ArchitectureTest {
    /** The internal packages in the order a connect passes through them: each may use only those before it. */
    private static final List<String> FLOW = List.of("request", "policy", "record", "aws", "sources", "cache", "pg", "telemetry", "engine",
            "hook");
    private static final Pattern INTERNAL_IMPORT =
            Pattern.compile("^import (?:static )?io\\.lava\\.jdbc\\.internal\\.([a-z]+)\\.", Pattern.MULTILINE);
    /** Text blocks, strings, character literals and comments: where a class name is not a use of the class. */
    private static final Pattern NOT_CODE = Pattern.compile(
            "\"\"\"(?s:.*?)\"\"\"|\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])+'|/\\*(?s:.*?)\\*/|//[^\\n]*");
    private static final Pattern IMPORT = Pattern.compile("^import ([\\w.]+);\\n", Pattern.MULTILINE);
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.lava.jdbc");
    }

    @Test
    void internalPackagesAreFreeOfCycles() {
        slices().matching("io.lava.jdbc.internal.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void topLevelPackagesAreFreeOfCycles() {
        slices().matching("io.lava.jdbc.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void classesAreFreeOfCycles() {
        SliceAssignment byTopLevelClass = new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String name = javaClass.getName();
                int nested = name.indexOf('$');
                return SliceIdentifier.of(nested < 0 ? name : name.substring(0, nested));
            }

            @Override
            public String getDescription() {
                return "top-level classes";
            }
        };
        // the one pair that must name each other: a JNDI Referenceable names its ObjectFactory in its Reference
        slices().assignedFrom(byTopLevelClass).should().beFreeOfCycles()
                .ignoreDependency(LavaPgDataSource.class, LavaPgDataSourceFactory.class)
                .check(classes);
    }

    /**
     * The same order read from the source's imports, which also see what the class files cannot: a compile-time
     * constant of another package is copied into the class that reads it.
     */
    @Test
    void sourceImportsFollowTheFlow() throws IOException {
        Path internal = Path.of(System.getProperty("basedir", "."), "src/main/java/io/lava/jdbc/internal");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(internal)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String own = internal.relativize(file.getParent()).toString();
                if (!FLOW.contains(own)) {
                    continue;
                }
                Matcher m = INTERNAL_IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String imported = m.group(1);
                    if (FLOW.contains(imported) && FLOW.indexOf(imported) > FLOW.indexOf(own)) {
                        violations.add(internal.relativize(file) + " imports internal." + imported);
                    }
                }
            }
        }
        assertThat(violations).as("imports against the flow " + FLOW).isEmpty();
    }

    /** An import that only a javadoc {@code @link} uses ties packages together that the code does not. */
    @Test
    void everyImportIsUsedByCode() throws IOException {
        Path main = Path.of(System.getProperty("basedir", "."), "src/main/java");
        List<String> unused = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                String code = IMPORT.matcher(NOT_CODE.matcher(source).replaceAll(" ")).replaceAll("");
                Matcher m = IMPORT.matcher(source);
                while (m.find()) {
                    String simpleName = m.group(1).substring(m.group(1).lastIndexOf('.') + 1);
                    if (!Pattern.compile("\\b" + Pattern.quote(simpleName) + "\\b").matcher(code).find()) {
                        unused.add(main.relativize(file) + ": " + m.group(1));
                    }
                }
            }
        }
        assertThat(unused).as("imports no code uses (write a javadoc link's class in full instead)").isEmpty();
    }

    @Test
    void internalCodeReachesThePublicApiOnlyThroughItsValueTypes() {
        noClasses().that().resideInAPackage("io.lava.jdbc.internal..")
                .should().dependOnClassesThat().haveFullyQualifiedName(LavaPgDriver.class.getName())
                .orShould().dependOnClassesThat().haveFullyQualifiedName(LavaPgDataSource.class.getName())
                .orShould().dependOnClassesThat().haveFullyQualifiedName(LavaPgDataSourceFactory.class.getName())
                .check(classes);
    }

    @Test
    void onlyTheEngineAndItsCallersReachTheEngine() {
        noClasses().that().resideInAnyPackage("io.lava.jdbc.internal.request..", "io.lava.jdbc.internal.record..",
                        "io.lava.jdbc.internal.aws..", "io.lava.jdbc.internal.sources..",
                        "io.lava.jdbc.internal.cache..", "io.lava.jdbc.internal.pg..",
                        "io.lava.jdbc.internal.telemetry..")
                .should().dependOnClassesThat().resideInAPackage("io.lava.jdbc.internal.engine..")
                .check(classes);
    }
}
