package io.perennial.local;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module layout rules (docs/ARCHITECTURE.md) as tests: the ML core and the shared formats import no Spring, services never
 * import each other, and control-plane services never load DJL. This module sees every module, so the rules live
 * here.
 */
class ArchitectureRulesTest {

    private static final String[] SERVICES = {"io.perennial.ingest..", "io.perennial.drift..",
            "io.perennial.trainer..", "io.perennial.registry..", "io.perennial.worker..", "io.perennial.console.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.perennial");
    }

    @Test
    void mlCoreFormatsAndContractsImportNoSpring() {
        noClasses().that().resideInAnyPackage("io.perennial.learning..", "io.perennial.formats..",
                "io.perennial.contracts..").should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
                .check(classes);
    }

    @Test
    void formatsAndContractsImportNoDjl() {
        noClasses().that().resideInAnyPackage("io.perennial.formats..", "io.perennial.contracts..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.djl..").check(classes);
    }

    @Test
    void controlPlaneServicesLoadNoDjl() {
        noClasses().that().resideInAnyPackage("io.perennial.ingest..", "io.perennial.drift..",
                "io.perennial.trainer..", "io.perennial.registry..", "io.perennial.console..",
                "io.perennial.support..").should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "io.perennial.learning..")
                .check(classes);
    }

    @Test
    void servicesNeverImportEachOther() {
        for (String service : SERVICES) {
            String[] others = java.util.Arrays.stream(SERVICES).filter(s -> !s.equals(service))
                    .toArray(String[]::new);
            noClasses().that().resideInAPackage(service).should().dependOnClassesThat().resideInAnyPackage(others)
                    .check(classes);
        }
    }

    @Test
    void sharedModulesDoNotDependOnServices() {
        noClasses().that().resideInAnyPackage("io.perennial.support..", "io.perennial.contracts..",
                "io.perennial.formats..", "io.perennial.learning..", "io.perennial.embedded..")
                .should().dependOnClassesThat().resideInAnyPackage(SERVICES).check(classes);
    }
}
