package org.cb4i.conformance;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.cb4i.conformance.blackbox.Catalogue;
import org.cb4i.conformance.blackbox.Check;
import org.cb4i.conformance.blackbox.InProcessProxy;
import org.cb4i.conformance.blackbox.Profile;
import org.cb4i.conformance.blackbox.Report;
import org.cb4i.conformance.blackbox.Runner;
import org.cb4i.conformance.blackbox.Testbed;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar cb4i-conformance.jar}: the black-box enforcement suite against any proxy by URL (cb4i's own,
 * started in-process, when no URL is given), printing a requirement-by-requirement report.
 */
@Command(name = "cb4i-conformance", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Check an enforcing proxy against the cb4i spec from outside: every testable [ENF-*], [POP-*], [STS-*], [LOG-*] and",
                "[TOK-*] requirement, by real HTTP. Without --proxy, cb4i's own proxy is started in-process and checked.",
                "A proxy under test must be configured with the conformance profile (--profile prints it).",
                "With --issuer URL --admin-token FILE it checks an issuer (SPEC.md §13); with --verifier COMMAND, a dataset verifier (§14).",
                "Exit 0 when every check passes, 1 when any fails, 2 for bad usage or a testbed that cannot start."},
        footer = {"", "Example (a third-party proxy):",
                "  java -jar cb4i-conformance.jar --profile                 # what to configure",
                "  java -jar cb4i-conformance.jar --jwks > collective.jwks.json",
                "  java -jar cb4i-conformance.jar --member-key > member.private.jwk",
                "  # start your proxy: origin http://127.0.0.1:18092, collective keys from collective.jwks.json, member consent from",
                "  # http://127.0.0.1:18091/consent asked with member.private.jwk, the profile's policy",
                "  java -jar cb4i-conformance.jar --proxy http://127.0.0.1:8080 --json report.json"})
public final class Main implements Callable<Integer> {
    @Option(names = "--proxy", paramLabel = "URL", description = "The proxy under test (http://host:port). Default: cb4i's own, in-process.")
    URI proxy;

    @Option(names = "--issuer", paramLabel = "URL", description = "Check an issuer instead (SPEC.md §13: discovery, /token with both proofs "
            + "of the key and its errors, the license, introspection, the repertoire, status lists and their history, revocation and "
            + "suspension). Needs --admin-token: the suite registers its own member, licensee and agreement through POST /admin.")
    URI issuer;

    @Option(names = "--admin-token", paramLabel = "FILE", description = "With --issuer: a file holding the issuer's admin token.")
    Path adminToken;

    @Option(names = "--verifier", paramLabel = "COMMAND", description = "Check a dataset verifier instead (SPEC.md §14): each case of the "
            + "spec's verification corpus is laid out as a dataset and the command run on it, with {dataset}, {trust} and {usage} replaced; "
            + "it must print a JSON report {\"records\": [{\"status\", \"reasons\": [{\"code\"}]}]}, e.g. "
            + "'java -jar cli/target/cb4i.jar verify {dataset} --trust {trust} --usage {usage} --format json'.")
    String verifier;

    @Option(names = "--origin-control", paramLabel = "HOST:PORT", description = "Where the suite runs the origin the proxy forwards to "
            + "(default with --proxy: 127.0.0.1:18092; otherwise any free port).")
    String originAt;

    @Option(names = "--collective", paramLabel = "HOST:PORT", description = "Where the suite serves the collective's keys and status lists "
            + "(default 127.0.0.1:18091 with --proxy; otherwise any free port).")
    String collectiveAt;

    @Option(names = "--only", paramLabel = "REGEX", description = "Run only the checks whose title matches, e.g. 'ENF-5' or 'POP-'.")
    Pattern only;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON (written whole, or not at all).")
    Path json;

    @Option(names = "--known-failures", paramLabel = "FILE", description = "Check names (one per line, # comments) expected to fail: "
            + "they do not fail the run, but one that passes does (so the list cannot go stale).")
    Path knownFailures;

    @Option(names = "--list", description = "List the checks and the requirements they cite, and exit.")
    boolean list;

    @Option(names = "--profile", description = "Print the conformance profile a proxy under test must be configured with, and exit.")
    boolean profile;

    @Option(names = "--jwks", description = "Print the collective's key set (a published test fixture) for the proxy's configuration, and exit.")
    boolean jwks;

    @Option(names = "--member-key", description = "Print the member's private key (a published test fixture) with which the proxy asks the "
            + "suite's collective for the member's consent, and exit.")
    boolean memberKey;

    @Option(names = "--cb4i-config", paramLabel = "DIR", description = "Write the profile as a configuration of cb4i's proxy "
            + "(DIR/proxy.yaml, DIR/collective.jwks.json, DIR/member.private.jwk, listening on --listen), and exit.")
    Path cb4iConfig;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:18080", description = "The listener written by --cb4i-config (default ${DEFAULT-VALUE}).")
    String listen;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, c, p) -> {
            c.getErr().println("cb4i-conformance: " + e.getMessage());
            return 2;
        });
        try {
            return cl.execute(args);
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // A proxy configured ahead of the run needs fixed addresses; our in-process proxy takes any free port.
        boolean fixed = proxy != null || profile || cb4iConfig != null;
        String origin = originAt != null ? originAt : fixed ? "127.0.0.1:18092" : "127.0.0.1:0";
        String collective = collectiveAt != null ? collectiveAt : fixed ? "127.0.0.1:18091" : "127.0.0.1:0";
        if (profile) {
            out.print(Profile.describe(origin, collective));
            return 0;
        }
        if (jwks) {
            out.print(Testbed.jwks());
            return 0;
        }
        if (memberKey) {
            out.print(Testbed.memberKeyJson());
            return 0;
        }
        if (issuer != null) {
            return checkIssuer(out, err);
        }
        if (verifier != null) {
            return checkVerifier(out, err);
        }
        java.util.Set<String> known = java.util.Set.of();
        if (knownFailures != null) {
            try {
                known = Runner.knownFailures(knownFailures);
            } catch (java.io.IOException e) {
                err.println("cb4i-conformance: cannot read --known-failures " + knownFailures + ": " + e.getMessage());
                return 2;
            }
            List<String> names = Catalogue.checks().stream().map(Check::name).toList();
            for (String k : known) {
                if (!names.contains(k)) {
                    err.println("cb4i-conformance: " + knownFailures + " names a check that does not exist: " + k);
                    return 2;
                }
            }
        }
        List<Check> checks = Catalogue.checks().stream().filter(c -> only == null || only.matcher(c.title()).find()).toList();
        if (list) {
            checks.forEach(c -> out.println(c.title()));
            return 0;
        }
        if (cb4iConfig != null) {
            Files.createDirectories(cb4iConfig);
            Files.writeString(cb4iConfig.resolve("collective.jwks.json"), Testbed.jwks());
            Files.writeString(cb4iConfig.resolve("member.private.jwk"), Testbed.memberKeyJson());
            Files.writeString(cb4iConfig.resolve("proxy.yaml"), Profile.cb4iConfig(listen, origin, collective, "collective.jwks.json",
                    "member.private.jwk", "./log"));
            out.println("wrote " + cb4iConfig.resolve("proxy.yaml") + ", " + cb4iConfig.resolve("collective.jwks.json") + " and "
                    + cb4iConfig.resolve("member.private.jwk"));
            return 0;
        }
        if (checks.isEmpty()) {
            err.println("cb4i-conformance: no check matches --only " + only);
            return 2;
        }
        try (Testbed bed = new Testbed(address("--origin-control", origin), address("--collective", collective))) {
            InProcessProxy ours = proxy == null ? new InProcessProxy(bed) : null;
            try {
                bed.proxy(ours != null ? ours.base() : proxy);
                String target = ours != null ? "cb4i proxy (in-process) at " + ours.base() : proxy.toString();
                err.println("checking " + target + ": " + checks.size() + " checks");
                List<Runner.Result> results = Runner.run(bed, checks, r -> {
                    err.println((r.passed() ? "  pass  " : "  FAIL  ") + r.check().title());
                    err.flush();
                });
                Report report = new Report(target, results, only != null);
                out.print(report.text());
                if (json != null) {
                    Path tmp = Files.createTempFile(json.toAbsolutePath().getParent(), ".report", ".tmp");
                    Files.writeString(tmp, Testbed.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report.json()), StandardCharsets.UTF_8);
                    Files.move(tmp, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
                final java.util.Set<String> expected = known;
                List<String> unexpected = results.stream().filter(r -> !r.passed() && !expected.contains(r.check().name())).map(r -> r.check().name()).toList();
                List<String> stale = results.stream().filter(r -> r.passed() && expected.contains(r.check().name())).map(r -> r.check().name()).toList();
                if (!known.isEmpty()) {
                    out.println();
                    out.println("Known failures (" + knownFailures + "): " + results.stream().filter(r -> !r.passed() && expected.contains(r.check().name())).count()
                            + " failed as expected; " + unexpected.size() + " unexpected failures; " + stale.size() + " known failures now pass");
                    stale.forEach(n -> out.println("  now passes (take it off the list): " + n));
                }
                return unexpected.isEmpty() && stale.isEmpty() ? 0 : 1;
            } finally {
                if (ours != null) {
                    ours.close();
                }
            }
        }
    }

    /** {@code --verifier}: the verification corpus through that command. */
    private int checkVerifier(PrintWriter out, PrintWriter err) throws Exception {
        List<org.cb4i.conformance.verifier.VerifierSuite.Case> cases = org.cb4i.conformance.verifier.VerifierSuite.corpus().stream()
                .filter(c -> only == null || only.matcher(c.title()).find()).toList();
        if (list) {
            cases.forEach(c -> out.println(c.title()));
            return 0;
        }
        Path work = Files.createTempDirectory("cb4i-verifier-corpus");
        err.println("checking the verifier '" + verifier + "': " + cases.size() + " datasets under " + work);
        List<org.cb4i.conformance.verifier.VerifierSuite.Result> results = org.cb4i.conformance.verifier.VerifierSuite.run(cases,
                org.cb4i.conformance.verifier.VerifierSuite.command(verifier), work, r -> {
                    err.println((r.passed() ? "  pass  " : "  FAIL  ") + r.c().title());
                    err.flush();
                });
        out.print(org.cb4i.conformance.verifier.VerifierSuite.report(verifier, results));
        return results.stream().allMatch(org.cb4i.conformance.verifier.VerifierSuite.Result::passed) ? 0 : 1;
    }

    /** {@code --issuer}: the issuer checks against that URL, registering the suite's parties with the admin token. */
    private int checkIssuer(PrintWriter out, PrintWriter err) throws Exception {
        List<org.cb4i.conformance.issuer.IssuerChecks.Check> checks = org.cb4i.conformance.issuer.IssuerChecks.all().stream()
                .filter(c -> only == null || only.matcher(c.title()).find()).toList();
        if (list) {
            checks.forEach(c -> out.println(c.title()));
            return 0;
        }
        if (adminToken == null) {
            err.println("cb4i-conformance: --issuer needs --admin-token FILE (the suite registers its licensee through POST /admin)");
            return 2;
        }
        String token;
        try {
            token = Files.readString(adminToken).strip();
        } catch (java.io.IOException e) {
            err.println("cb4i-conformance: cannot read --admin-token " + adminToken + ": " + e.getMessage());
            return 2;
        }
        org.cb4i.conformance.issuer.IssuerBed bed;
        try {
            bed = new org.cb4i.conformance.issuer.IssuerBed(issuer, token);
        } catch (Exception e) {
            err.println("cb4i-conformance: the issuer at " + issuer + " cannot be set up for the checks: " + e.getMessage());
            return 2;
        }
        err.println("checking the issuer at " + issuer + ": " + checks.size() + " checks; " + bed.describe());
        java.util.Set<String> known = knownFailures == null ? java.util.Set.of() : Runner.knownFailures(knownFailures);
        List<org.cb4i.conformance.issuer.IssuerSuite.Result> results = org.cb4i.conformance.issuer.IssuerSuite.run(bed, checks, r -> {
            err.println((r.passed() ? "  pass  " : "  FAIL  ") + r.check().title());
            err.flush();
        });
        out.print(org.cb4i.conformance.issuer.IssuerSuite.report(issuer.toString(), bed.describe(), results, known));
        boolean unexpected = results.stream().anyMatch(r -> !r.passed() && !known.contains(r.check().name()));
        boolean stale = results.stream().anyMatch(r -> r.passed() && known.contains(r.check().name()));
        return unexpected || stale ? 1 : 0;
    }

    private InetSocketAddress address(String option, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try {
            return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": expected HOST:PORT; found \"" + hostPort + "\"");
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"cb4i-conformance " + (v == null ? "(development build)" : v)};
        }
    }
}
