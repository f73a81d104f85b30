package org.cb4i.sdk.terms;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A parsed robots.txt (RFC 9309) with the licensing lines that ride on it ([DSC-1], [DSC-2]): RSL's
 * {@code License:}, AIPREF's {@code Content-Usage:} and Content Signals' {@code Content-Signal:}.
 *
 * <p>Parsing never fails: as RFC 9309 asks, unknown and malformed lines are skipped, only the first
 * {@value #MAX_BYTES} bytes are read, and invalid UTF-8 is replaced. A group is one or more {@code User-agent}
 * lines followed by rules; groups naming the same agent are merged. {@code License:} lines before the first
 * group are global; inside a group they are that group's, and replace the global ones for it (RSL erratum
 * 2026-01-16). Immutable.
 */
public final class RobotsTxt {
    /** RFC 9309 §2.5: parsers must read at least 500 KiB; cb4i reads exactly that much. */
    public static final int MAX_BYTES = 500 * 1024;

    private record Rule(PathPattern pattern, boolean allow) {}

    private record PathSignals(String path, UsageSignals signals) {}

    private static final class Group {
        final List<String> agents = new ArrayList<>();
        final List<Rule> rules = new ArrayList<>();
        final List<URI> licenses = new ArrayList<>();
        final List<PathSignals> signals = new ArrayList<>();
    }

    private final List<Group> groups;
    private final List<URI> globalLicenses;

    private RobotsTxt(List<Group> groups, List<URI> globalLicenses) {
        this.groups = groups;
        this.globalLicenses = List.copyOf(globalLicenses);
    }

    /** An empty robots.txt: everything allowed, no licenses, no signals (what a 4xx answer means). */
    public static RobotsTxt empty() {
        return new RobotsTxt(List.of(), List.of());
    }

    /** Parses robots.txt bytes. */
    public static RobotsTxt parse(byte[] bytes) {
        int n = Math.min(bytes.length, MAX_BYTES);
        return parse(new String(bytes, 0, n, StandardCharsets.UTF_8));
    }

    /** Parses robots.txt text. */
    public static RobotsTxt parse(String text) {
        List<Group> groups = new ArrayList<>();
        List<URI> global = new ArrayList<>();
        Group current = null;
        boolean lastWasAgent = false;
        for (String raw : text.split("\r\n|\r|\n", -1)) {
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String key = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "user-agent" -> {
                    if (current == null || !lastWasAgent) {
                        current = new Group();
                        groups.add(current);
                    }
                    current.agents.add(value.toLowerCase(Locale.ROOT));
                    lastWasAgent = true;
                    continue;
                }
                case "allow", "disallow" -> {
                    if (current != null && !value.isEmpty()) {
                        try {
                            current.rules.add(new Rule(PathPattern.of(value.startsWith("/") || value.startsWith("*") ? value : "/" + value), key.equals("allow")));
                        } catch (IllegalArgumentException ignored) {
                            // malformed rule: skipped (RFC 9309 §2.2)
                        }
                    }
                }
                case "license" -> {
                    URI u = absoluteUri(value);
                    if (u != null) {
                        (current == null ? global : current.licenses).add(u);
                    }
                }
                case "content-usage", "content-signal" -> {
                    if (current != null) {
                        String path = "/";
                        String prefs = value;
                        if (value.startsWith("/") || value.startsWith("*")) {
                            int sp = indexOfWhitespace(value);
                            if (sp < 0) {
                                break;
                            }
                            path = value.substring(0, sp);
                            prefs = value.substring(sp).strip();
                        }
                        UsageSignals s = key.equals("content-usage") ? UsageSignals.fromContentUsage(prefs) : UsageSignals.fromContentSignal(prefs);
                        current.signals.add(new PathSignals(path, s));
                    }
                }
                default -> {
                    // other lines (Sitemap, Crawl-delay, unknown) neither end nor join a group
                }
            }
            lastWasAgent = false;
        }
        return new RobotsTxt(Collections.unmodifiableList(groups), global);
    }

    /** The rules that apply to a crawler with this product token (e.g. {@code GPTBot}). */
    public Selection forAgent(String productToken) {
        String token = productToken.toLowerCase(Locale.ROOT);
        List<Group> chosen = new ArrayList<>();
        for (Group g : groups) {
            if (g.agents.contains(token)) {
                chosen.add(g);
            }
        }
        if (chosen.isEmpty()) {
            for (Group g : groups) {
                if (g.agents.contains("*")) {
                    chosen.add(g);
                }
            }
        }
        return new Selection(chosen, globalLicenses);
    }

    /** The global {@code License:} URIs. */
    public List<URI> globalLicenses() {
        return globalLicenses;
    }

    /** The rules of the group(s) selected for one crawler. */
    public static final class Selection {
        private final List<Rule> rules = new ArrayList<>();
        private final List<PathSignals> signals = new ArrayList<>();
        private final List<URI> licenses = new ArrayList<>();

        private Selection(List<Group> groups, List<URI> global) {
            for (Group g : groups) {
                rules.addAll(g.rules);
                signals.addAll(g.signals);
                licenses.addAll(g.licenses);
            }
            if (licenses.isEmpty()) {
                licenses.addAll(global);
            }
        }

        /**
         * Whether the crawler may fetch {@code path} (path and query): the longest matching rule decides, allow
         * winning a tie; no matching rule allows (RFC 9309 §2.2.2). {@code /robots.txt} is always allowed.
         */
        public boolean isAllowed(String path) {
            if (path.equals("/robots.txt")) {
                return true;
            }
            int allow = -1;
            int disallow = -1;
            for (Rule r : rules) {
                if (r.pattern().matches(path)) {
                    if (r.allow()) {
                        allow = Math.max(allow, r.pattern().specificity());
                    } else {
                        disallow = Math.max(disallow, r.pattern().specificity());
                    }
                }
            }
            return allow >= disallow;
        }

        /** The license documents that apply: the group's, or else the global ones. */
        public List<URI> licenses() {
            return Collections.unmodifiableList(licenses);
        }

        /**
         * The usage signals for {@code path}: those of the longest matching {@code Content-Usage} /
         * {@code Content-Signal} path; rules with the same path combine, the most restrictive winning.
         */
        public UsageSignals signalsFor(String path) {
            int best = -1;
            UsageSignals out = UsageSignals.NONE;
            for (PathSignals s : signals) {
                PathPattern p = PathPattern.of(s.path());
                if (!p.matches(path)) {
                    continue;
                }
                if (p.specificity() > best) {
                    best = p.specificity();
                    out = s.signals();
                } else if (p.specificity() == best) {
                    out = out.and(s.signals());
                }
            }
            return out;
        }
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static URI absoluteUri(String v) {
        try {
            URI u = new URI(v);
            return u.isAbsolute() && u.getHost() != null ? u : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }
}
