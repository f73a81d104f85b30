package org.cb4i.conformance.blackbox;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetSocketAddress;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The black-box enforcement suite against cb4i's own proxy, started in-process with the conformance profile in
 * front of the suite's WireMock origin and collective: one dynamic test per check, named by the requirements it
 * tests ([ENF-1] to [ENF-7], [POP-1] to [POP-7], [STS-1] to [STS-6], [LOG-1] to [LOG-3], [TOK-*]).
 */
class BlackBoxSuiteTest {
    static Testbed bed;
    static InProcessProxy proxy;
    /** conformance-tests/known-failures.txt: checks our proxy is known to fail, which must keep failing. */
    static java.util.Set<String> known;

    @BeforeAll
    static void start() throws Exception {
        known = Runner.knownFailures(java.nio.file.Path.of("known-failures.txt"));
        bed = new Testbed(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0));
        proxy = new InProcessProxy(bed);
        bed.proxy(proxy.base());
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        bed.close();
    }

    @org.junit.jupiter.api.Test
    void knownFailures_nameChecksThatExist() {
        var names = Catalogue.checks().stream().map(Check::name).toList();
        org.assertj.core.api.Assertions.assertThat(names).containsAll(known);
    }

    @TestFactory
    Stream<DynamicTest> everyCheck() {
        return Catalogue.checks().stream().map(c -> DynamicTest.dynamicTest(c.title(), () -> {
            Runner.Result r = Runner.run(bed, c);
            if (known.contains(c.name())) {
                if (r.passed()) {
                    fail("a known failure now passes: take it off KnownFailures: " + c.name());
                }
                return;
            }
            if (!r.passed()) {
                fail(r.failure());
            }
        }));
    }
}
