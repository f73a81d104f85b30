package org.cb4i.conformance.blackbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cb4i.conformance.blackbox.checks.EnforcementChecks;
import org.cb4i.conformance.blackbox.checks.HostileInputChecks;
import org.cb4i.conformance.blackbox.checks.SlowAndFloodChecks;
import org.cb4i.conformance.blackbox.checks.Http2Checks;
import org.cb4i.conformance.blackbox.checks.LogChecks;
import org.cb4i.conformance.blackbox.checks.PossessionChecks;
import org.cb4i.conformance.blackbox.checks.ConsentChecks;
import org.cb4i.conformance.blackbox.checks.StatusChecks;
import org.cb4i.conformance.blackbox.checks.TokenChecks;

/**
 * Every black-box check, and the requirements they answer for: the normative requirements of the spec's sections
 * that bind an enforcing proxy (§4 tokens, §5 proof of possession, §6 status, §8 receipts, §10 enforcement, §16 member
 * consent), less
 * those that cannot be observed from outside, each with the reason.
 */
public final class Catalogue {
    private Catalogue() {}

    /** The spec sections whose requirements bind a proxy, by id prefix. */
    public static final Set<String> PREFIXES = Set.of("TOK", "POP", "STS", "LOG", "ENF", "CNS", "NTC", "OFR");
    private static final List<String> ORDER = List.of("TOK", "POP", "STS", "LOG", "ENF", "CNS", "NTC", "OFR");

    /** Requirements of those sections that a test from outside cannot observe, and why. */
    public static final Map<String, String> NOT_TESTABLE_FROM_OUTSIDE = Map.ofEntries(
            Map.entry("LOG-4", "durability across crashes and a full disk needs control of the proxy's process and storage "
                    + "(cb4i's own: cli ProxyProcessTest kills it under load, proxy LogFailureTest fills the log)"),
            Map.entry("STS-7", "past status lists are the issuer's to serve: checked by this jar's --issuer suite (cb4i's own: IssuerSuiteTest)"),
            Map.entry("CNS-6", "a member's change of its consent is the issuer's to take: checked by this jar's --issuer suite (cb4i's own: issuer "
                    + "ConsentTest, cli ConsentEnforcementTest)"),
            Map.entry("CNS-7", "which agreement a license names is the issuer's to write: checked by this jar's --issuer suite (cb4i's own: issuer ConsentTest)"),
            Map.entry("CNS-8", "what a statement counts as served after an opt-out is the issuer's settlement: vectors consent.json ConsentAtFetch "
                    + "(cb4i's own: issuer CollectionTest)"),
            Map.entry("LOG-5", "segments are sealed and archived by size, age, acknowledgements and retention the proxy's operator sets, and "
                    + "`archived` shows only while an archive cannot be read (cb4i's own: proxy LogSegmentsTest, halted at each step of a seal "
                    + "and an archive move, and ArchivedSegmentsTest over HTTP)"),
            Map.entry("NTC-1", "notices are the issuer's to publish: checked by this jar's --issuer suite (cb4i's own: issuer NoticesTest)"),
            Map.entry("NTC-2", "the notice feed is the issuer's: checked by this jar's --issuer suite"),
            Map.entry("OFR-1", "offers are the issuer's to sign (cb4i's own: issuer OffersTest); a proxy only lists them ([OFR-4])"),
            Map.entry("OFR-2", "the offer list is the issuer's (cb4i's own: issuer OffersTest)"),
            Map.entry("OFR-3", "an acceptance is the issuer's to take (cb4i's own: issuer OffersTest, cli OfferAcceptanceTest)"));

    public static List<Check> checks() {
        List<Check> all = new ArrayList<>();
        all.addAll(EnforcementChecks.all());
        all.addAll(PossessionChecks.all());
        all.addAll(TokenChecks.all());
        all.addAll(StatusChecks.all());
        all.addAll(LogChecks.all());
        all.addAll(HostileInputChecks.all());
        all.addAll(SlowAndFloodChecks.all());
        all.addAll(Http2Checks.all());
        all.addAll(ConsentChecks.all());
        return List.copyOf(all);
    }

    private static final Pattern DEFINED = Pattern.compile("\\*\\*\\[([A-Z]{3}-\\d+)\\]\\*\\*( \\(draft\\))?");

    /**
     * The requirements in scope, in spec order: id to "normative" or "draft", read from the SPEC.md this jar ships
     * (so the report follows the spec it was built with).
     */
    public static Map<String, String> scope() {
        String spec;
        try (InputStream in = Catalogue.class.getResourceAsStream("/org/cb4i/spec/SPEC.md")) {
            spec = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> ids = new java.util.TreeMap<>(Comparator.comparing((String id) -> ORDER.indexOf(id.substring(0, 3)))
                .thenComparingInt(id -> Integer.parseInt(id.substring(4))));
        boolean normative = false;
        for (String line : spec.split("\n")) {
            if (line.startsWith("Status: ")) {
                normative = line.equals("Status: normative");
            }
            Matcher m = DEFINED.matcher(line);
            while (m.find()) {
                String id = m.group(1);
                // An id is defined by a list item "- **[XXX-n]**" or inline in a normative paragraph; an example
                // in the prose before §0 defines nothing. Normative wins over draft when both occur.
                if (PREFIXES.contains(id.substring(0, 3)) && !line.startsWith("Each requirement")) {
                    ids.merge(id, normative && m.group(2) == null ? "normative" : "draft", (a, b) -> a.equals("normative") ? a : b);
                }
            }
        }
        return ids;
    }
}
