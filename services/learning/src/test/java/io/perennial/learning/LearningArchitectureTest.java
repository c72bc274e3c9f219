package io.perennial.learning;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The ML core is a plain library: no Spring, and the low-level packages do not reach up to the benchmark or the facade. */
@AnalyzeClasses(packages = "io.perennial.learning", importOptions = ImportOption.DoNotIncludeTests.class)
class LearningArchitectureTest {

    @ArchTest
    static final ArchRule mlCoreImportsNoSpring = noClasses().that().resideInAPackage("io.perennial.learning..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..");

    @ArchTest
    static final ArchRule libraryPackagesDoNotDependOnTheBenchmark = noClasses().that()
            .resideInAnyPackage("io.perennial.learning.model..", "io.perennial.learning.lora..", "io.perennial.learning.training..",
                    "io.perennial.learning.routing..", "io.perennial.learning.merge..", "io.perennial.learning.data..",
                    "io.perennial.learning.evaluation..", "io.perennial.learning.device..")
            .should().dependOnClassesThat().resideInAnyPackage("io.perennial.learning.bench..");
}
