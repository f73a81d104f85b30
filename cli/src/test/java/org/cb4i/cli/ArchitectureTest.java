package org.cb4i.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module and package rules of DESIGN.md and STYLE.md, checked on the compiled main classes of every module (the
 * cli depends on all of them): dependencies flow one way, the SDK knows no server, and no package of a module depends
 * on another that depends back on it.
 */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // Main classes only: not this module's tests, nor the test-jars of other modules on the test classpath.
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")).importPackages("org.cb4i");
    }

    @Test
    void theImport_holdsEveryModule() {
        // A rule over no classes passes whatever it says: the rules below are only as good as this import.
        for (String module : new String[] {"sdk", "issuer", "proxy", "verifier", "valuation", "cli"}) {
            assertThat(classes.containPackage("org.cb4i." + module)).as("classes of org.cb4i." + module + " imported").isTrue();
        }
        assertThat(classes.contain(org.cb4i.issuer.console.Console.class)).isTrue();
        assertThat(classes.contain(org.cb4i.valuation.ngram.NgramUtility.class)).isTrue();
    }

    @Test
    void theValuation_isALibrary_knowingNoServer() {
        noClasses().that().resideInAPackage("org.cb4i.valuation..").should().dependOnClassesThat()
                .resideInAnyPackage("org.cb4i.proxy..", "org.cb4i.issuer..", "org.cb4i.cli..", "io.vertx..").check(classes);
    }

    @Test
    void theSdk_knowsNoVertxAndNoServer() {
        noClasses().that().resideInAPackage("org.cb4i.sdk..").should().dependOnClassesThat()
                .resideInAnyPackage("io.vertx..", "io.netty..", "org.cb4i.proxy..", "org.cb4i.issuer..", "org.cb4i.verifier..", "org.cb4i.cli..")
                .check(classes);
    }

    @Test
    void proxyAndIssuer_neverImportEachOther() {
        noClasses().that().resideInAPackage("org.cb4i.proxy..").should().dependOnClassesThat().resideInAPackage("org.cb4i.issuer..").check(classes);
        noClasses().that().resideInAPackage("org.cb4i.issuer..").should().dependOnClassesThat().resideInAPackage("org.cb4i.proxy..").check(classes);
    }

    @Test
    void theVerifier_neverImportsTheProxyOrTheIssuer() {
        noClasses().that().resideInAPackage("org.cb4i.verifier..").should().dependOnClassesThat()
                .resideInAnyPackage("org.cb4i.proxy..", "org.cb4i.issuer..", "org.cb4i.cli..").check(classes);
    }

    @Test
    void onlyTheCli_dependsOnTheCli() {
        noClasses().that().resideOutsideOfPackage("org.cb4i.cli..").should().dependOnClassesThat().resideInAPackage("org.cb4i.cli..").check(classes);
    }

    @Test
    void anSdkInternalPackage_isUsedByTheSdkAlone() {
        classes().that().resideInAPackage("org.cb4i.sdk..internal..").should().onlyBeAccessed().byAnyPackage("org.cb4i.sdk..")
                .allowEmptyShould(true).check(classes);
    }

    @Test
    void noPackageCycles_withinAModule() {
        for (String module : new String[] {"sdk", "issuer", "proxy", "verifier", "valuation"}) { // the cli is one package
            // Every package of the module is a slice, its root package (the module's front door) included.
            String root = "org.cb4i." + module;
            slices().assignedFrom(new com.tngtech.archunit.library.dependencies.SliceAssignment() {
                @Override
                public com.tngtech.archunit.library.dependencies.SliceIdentifier getIdentifierOf(com.tngtech.archunit.core.domain.JavaClass c) {
                    String p = c.getPackageName();
                    return p.equals(root) || p.startsWith(root + ".")
                            ? com.tngtech.archunit.library.dependencies.SliceIdentifier.of(p)
                            : com.tngtech.archunit.library.dependencies.SliceIdentifier.ignore();
                }

                @Override
                public String getDescription() {
                    return "the packages of " + root;
                }
            }).should().beFreeOfCycles().check(classes);
        }
    }
}
