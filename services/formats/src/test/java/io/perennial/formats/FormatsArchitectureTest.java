package io.perennial.formats;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The registry uses this module without an ML engine: no DJL, no Spring. */
@AnalyzeClasses(packages = "io.perennial.formats", importOptions = ImportOption.DoNotIncludeTests.class)
class FormatsArchitectureTest {

    @ArchTest
    static final ArchRule formatsLoadNoMlEngineAndNoSpring = noClasses().that().resideInAPackage("io.perennial.formats..")
            .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "org.springframework..", "io.perennial.learning..");
}
