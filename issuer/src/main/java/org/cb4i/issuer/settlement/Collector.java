package org.cb4i.issuer.settlement;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.UsageStore;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.fetch.BoundedFetcher;
import org.cb4i.sdk.fetch.FetchPolicy;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.key.VerificationKey;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.CompactRange;
import org.cb4i.sdk.log.LogEntry;
import org.cb4i.sdk.log.MerkleTree;

/**
 * The collective's collector ([SET-9]): reads every approved member log's new entries with requests signed by the
 * collector key ([SET-8]), checks that they extend the last checkpoint it verified up to the log's new signed
 * checkpoint, and only then counts them; then acknowledges that checkpoint to the proxy. A log that contradicts
 * itself is flagged with the evidence kept. A log retired by a final checkpoint ([LOG-6]) is collected up to it and
 * not read again, and the successor it names is read in its place. Synchronous; one collection at a time (callers
 * serialise).
 */
public final class Collector {
    static final int PAGE = 10_000;
    private static final HexFormat HEX = HexFormat.of();

    private final String collectiveId;
    private final IssuerStore store;
    private final SigningKey collectorKey;
    private final BoundedFetcher fetcher;
    private final Clock clock;

    public Collector(String collectiveId, IssuerStore store, SigningKey collectorKey, FetchPolicy policy, Clock clock) {
        this.collectiveId = collectiveId;
        this.store = store;
        this.collectorKey = collectorKey;
        this.fetcher = new BoundedFetcher(policy);
        this.clock = clock;
    }

    /**
     * What one log's collection did.
     *
     * @param outcome {@code collected}, {@code unchanged}, {@code failed}, {@code flagged} or {@code skipped} (not approved)
     * @param from the verified size before
     * @param to the verified size after
     * @param detail what happened, for people
     */
    public record Result(String logId, String member, String outcome, long from, long to, String detail) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("log_id", logId);
            m.put("member", member);
            m.put("outcome", outcome);
            m.put("from", from);
            m.put("to", to);
            m.put("detail", detail);
            return m;
        }
    }

    /**
     * Looks for logs the members' proxies name that are not registered (each raises an alert), then collects every
     * approved log, and the successors of logs retired meanwhile ([LOG-6]).
     */
    public List<Result> collectAll() {
        discover();
        List<Result> out = new ArrayList<>();
        java.util.Set<String> done = new java.util.HashSet<>();
        List<UsageStore.LogRow> round = store.usage().logs();
        while (true) {
            int before = done.size();
            for (UsageStore.LogRow listed : round) {
                // Read again: a final checkpoint collected earlier in this round may have approved it meanwhile.
                UsageStore.LogRow log = store.usage().log(listed.logId()).orElse(listed);
                if (!done.contains(log.logId()) && !log.state().equals("pending")) {
                    done.add(log.logId());
                    out.add(collect(log));
                }
            }
            if (done.size() == before) {
                break;
            }
            // A successor a final checkpoint registered is read now, not at the next collection.
            round = store.usage().logs();
        }
        for (UsageStore.LogRow log : round) {
            if (!done.contains(log.logId())) {
                out.add(collect(log)); // waiting for approval: said, not read
            }
        }
        return out;
    }

    /**
     * The log ids a proxy at {@code url} names in its {@code /.well-known/cb4i}.
     *
     * @throws Cb4iException when the document cannot be fetched or read
     */
    public List<String> logIdsAt(String url) {
        BoundedFetcher.Fetched f = fetcher.get(URI.create(trim(url) + "/.well-known/cb4i"), "application/json");
        JsonNode d = Json.readObject(f.body(), url + "/.well-known/cb4i", Reason.MALFORMED_JSON);
        List<String> ids = new ArrayList<>();
        d.path("logs").forEach(l -> {
            if (l.path("log_id").isTextual()) {
                ids.add(l.get("log_id").textValue());
            }
        });
        return ids;
    }

    private void discover() {
        Map<String, String> urls = new LinkedHashMap<>();
        store.usage().logs().forEach(l -> urls.putIfAbsent(l.url(), l.member()));
        urls.forEach((url, member) -> {
            try {
                for (String id : logIdsAt(url)) {
                    if (store.usage().log(id).isEmpty()) {
                        store.usage().registerLog(id, member, url, "pending", CompactRange.empty().toText(), clock.instant());
                        store.usage().alert(id, member, "log.new", "the proxy at " + url + " names log " + id + ", which is not registered for "
                                + member + ": it is not collected until approved (cb4i issuer log approve --log " + id + ")", null, clock.instant());
                    }
                }
            } catch (Cb4iException e) {
                // The proxy is unreachable: collecting its logs below fails too, and says so.
            }
        });
    }

    /** Collects one log. */
    public Result collect(UsageStore.LogRow log) {
        Instant now = clock.instant();
        if (log.state().equals("retired")) {
            return new Result(log.logId(), log.member(), "retired", log.size(), log.size(), "retired by its final checkpoint"
                    + log.checkpoint().flatMap(Collector::successorOf).map(s -> ", which names " + s).orElse("") + ": complete, not read again");
        }
        if (!log.state().equals("approved")) {
            return new Result(log.logId(), log.member(), "skipped", log.size(), log.size(), "state " + log.state()
                    + (log.state().equals("flagged") ? ": resolve it first (cb4i issuer log resolve)" : ": approve it first (cb4i issuer log approve)"));
        }
        String base = trim(log.url()) + "/.well-known/cb4i/logs/" + log.logId() + "/";
        CompactRange edge = CompactRange.parse(log.edge());
        long from = edge.size();
        Checkpoint cp;
        String cpText;
        try {
            KeySet served = KeyFiles.parseKeySet(new String(fetcher.get(URI.create(base + "jwks"), "application/jwk-set+json").body(),
                    StandardCharsets.UTF_8), base + "jwks");
            // [LOG-1]: the log id is its key's thumbprint, so the key needs no other trust.
            Optional<VerificationKey> key = served.keys().stream().filter(k -> k.thumbprint().equals(log.logId())).findFirst();
            if (key.isEmpty()) {
                return failed(log, from, base + "jwks does not hold the key whose thumbprint is the log id");
            }
            cpText = new String(fetcher.get(URI.create(base + "checkpoint"), "application/checkpoint+jwt").body(), StandardCharsets.UTF_8).strip();
            try {
                cp = Checkpoint.verify(cpText, KeySet.of(key.get()));
            } catch (Cb4iException e) {
                return flagged(log, from, "the log's checkpoint does not verify with the log's key: " + e.getMessage(), evidence("checkpoint", cpText));
            }
        } catch (Cb4iException e) {
            return failed(log, from, e.getMessage());
        }
        if (!cp.logId().equals(log.logId())) {
            return flagged(log, from, "the checkpoint names log " + cp.logId(), evidence("checkpoint", cpText));
        }
        if (cp.size() < from) {
            return flagged(log, from, "the log's checkpoint has " + cp.size() + " entries, after one of " + from + " was verified: a log never shrinks",
                    evidence("checkpoint", cpText, "verified", log.checkpoint().orElse("")));
        }
        if (cp.size() == from) {
            if (!java.util.Arrays.equals(cp.root(), edge.root())) {
                return flagged(log, from, "two checkpoints of " + from + " entries with different roots", evidence("checkpoint", cpText, "verified",
                        log.checkpoint().orElse("")));
            }
            store.usage().verified(log.logId(), from, cpText, cp.time(), edge.toText(), now);
            return new Result(log.logId(), log.member(), cp.isFinal() ? "retired" : "unchanged", from, from, "no new entries" + retire(log, cp));
        }
        store.usage().discardUnverified(log.logId());
        Attribution attribution = new Attribution(collectiveId, store, log.member(), log.logId(), now);
        // The next page is fetched while this one is checked and stored: the two halves of the work overlap.
        java.util.concurrent.CompletableFuture<List<Served>> next = fetchPage(base, from, cp.size());
        long archived = 0;
        for (long start = from; start < cp.size(); start += PAGE) {
            long end = Math.min(start + PAGE, cp.size());
            List<Served> page;
            try {
                page = next.join();
            } catch (java.util.concurrent.CompletionException e) {
                return failed(log, from, e.getCause() instanceof Cb4iException c ? c.getMessage() : String.valueOf(e.getCause()));
            }
            next = end < cp.size() ? fetchPage(base, end, cp.size()) : null;
            List<UsageStore.EntryRow> rows = new ArrayList<>(page.size());
            long expect = start;
            for (Served e : page) {
                if (e.index() != expect) {
                    return flagged(log, from, "the entries page from " + start + " skips or repeats index " + expect, evidence("checkpoint", cpText));
                }
                if (e.leaf() == null) {
                    return failed(log, from, "entry " + expect + " of " + base + "entries has neither entry nor leaf_hash");
                }
                if (e.entry() != null) {
                    rows.add(attribution.row(expect, HEX.formatHex(e.leaf()), e.entry()));
                } else if (e.unreadable()) {
                    attribution.unreadable++; // still a leaf of the signed tree, but nothing to bill: counted in the result
                } else if (e.archived()) {
                    archived++; // [LOG-5]: the proxy's archive cannot be read; the tree still checks, the entry cannot be billed
                }
                edge.append(e.leaf());
                expect++;
            }
            if (expect != end) {
                return failed(log, from, base + "entries answered " + (expect - start) + " entries for " + start + ".." + end);
            }
            store.usage().putEntries(rows);
        }
        if (!java.util.Arrays.equals(edge.root(), cp.root())) {
            return flagged(log, from, "entries " + from + ".." + cp.size() + " do not hash to the signed root of the checkpoint (or do not extend the one "
                    + "verified before)", evidence("checkpoint", cpText, "verified", log.checkpoint().orElse(""), "computed_root", HEX.formatHex(edge.root())));
        }
        store.usage().verified(log.logId(), cp.size(), cpText, cp.time(), edge.toText(), now);
        String ack = acknowledge(base, cp);
        return new Result(log.logId(), log.member(), "collected", from, cp.size(), (cp.size() - from) + " entries verified against the checkpoint of "
                + cp.time() + attribution.summary() + (archived == 0 ? "" : "; " + archived + " archived by the member's proxy where they cannot be "
                + "read now (their leaf hashes checked; whose they were is unknown, so nothing of them is billed)") + ack + retire(log, cp));
    }

    /**
     * After a verified final checkpoint ([LOG-6]): the log is complete and retired, and its successor read as the same
     * member's log. Nothing for a checkpoint that is not final.
     */
    private String retire(UsageStore.LogRow log, Checkpoint cp) {
        if (!cp.isFinal()) {
            return "";
        }
        return "; the log is retired by this final checkpoint, and " + store.usage().retire(log.logId(), log.member(), log.url(), cp.successor().get(),
                CompactRange.empty().toText(), clock.instant());
    }

    /** The successor a stored (verified) checkpoint names, if it is final. */
    private static Optional<String> successorOf(String compact) {
        try {
            return Optional.ofNullable(CompactJws.parse(compact, Checkpoint.TYP, Checkpoint.MAX_CHARS, "checkpoint").payload().path("successor")
                    .textValue());
        } catch (Cb4iException e) {
            return Optional.empty();
        }
    }

    /**
     * One entry of an entries page ([SET-8]) as read: its leaf hash (null when the page gave neither the entry nor a leaf
     * hash), and the entry when the page gave its text and it is a log entry ({@code unreadable} when it is not).
     */
    public record Served(long index, byte[] leaf, LogEntry entry, boolean unreadable, boolean archived) {}

    /**
     * Fetches the entries page from {@code start} (at most {@link #PAGE} entries, up to {@code size}) on another thread,
     * and reads it there: each entry's leaf hash and, for the entries given whole, what they say.
     */
    private java.util.concurrent.CompletableFuture<List<Served>> fetchPage(String base, long start, long size) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            URI url = URI.create(base + "entries?start=" + start + "&end=" + Math.min(start + PAGE, size));
            SignatureHeaders sig = new WebBotAuthSigner(collectorKey, clock).sign(SignedRequest.of("GET", url), SignaturePolicy.PER_REQUEST);
            return readPage(fetcher.get(url, "application/json", Map.of("Signature-Input", sig.signatureInput(), "Signature",
                    sig.signature())).body(), url.toString());
        });
    }

    /**
     * Reads an entries page without building it as a tree (a page is megabytes): {@code entries[]} in order, every other
     * member skipped. An entry without {@code index} is read as index -1 (a page that skips an index).
     *
     * @throws Cb4iException ({@code MALFORMED_JSON}) when the page is not a JSON object or not valid JSON
     */
    public static List<Served> readPage(byte[] body, String url) {
        List<Served> out = new ArrayList<>(PAGE);
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedInputException(Reason.MALFORMED_JSON, url + " is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (!name.equals("entries") || t != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        out.add(new Served(-1, null, null, false, false));
                        continue;
                    }
                    out.add(readServed(p));
                }
            }
        } catch (java.io.IOException e) {
            throw Json.malformed(e, url, Reason.MALFORMED_JSON);
        }
        return out;
    }

    private static Served readServed(JsonParser p) throws java.io.IOException {
        long index = -1;
        String entry = null;
        String leafHex = null;
        boolean archived = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "index" -> index = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                case "entry" -> entry = t == JsonToken.VALUE_STRING ? p.getText() : null;
                case "leaf_hash" -> leafHex = t == JsonToken.VALUE_STRING ? p.getText() : null;
                case "archived" -> archived = t == JsonToken.VALUE_TRUE;
                default -> p.skipChildren();
            }
        }
        if (entry != null) {
            byte[] bytes = entry.getBytes(StandardCharsets.UTF_8);
            byte[] leaf = MerkleTree.leafHash(bytes);
            try {
                return new Served(index, leaf, LogEntry.parse(bytes), false, false);
            } catch (Cb4iException x) {
                return new Served(index, leaf, null, true, false);
            }
        }
        if (leafHex != null && leafHex.length() == 64 && leafHex.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            return new Served(index, HEX.parseHex(leafHex), null, false, archived);
        }
        return new Served(index, null, null, false, false);
    }

    /** Sends the proxy a signed acknowledgement of the checkpoint collected up to; its failure is reported, not fatal. */
    private String acknowledge(String base, Checkpoint cp) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", collectiveId);
        claims.put("log_id", cp.logId());
        claims.put("size", cp.size());
        claims.put("root", cp.rootHex());
        claims.put("iat", clock.instant().getEpochSecond());
        try {
            fetcher.post(URI.create(base + "acknowledgements"), "application/" + Checkpoint.ACKNOWLEDGEMENT_TYP,
                    CompactJws.sign(collectorKey, Checkpoint.ACKNOWLEDGEMENT_TYP, claims).getBytes(StandardCharsets.US_ASCII), Map.of());
            return "; acknowledged";
        } catch (Cb4iException e) {
            return "; the acknowledgement was not taken (" + e.getMessage() + ")";
        }
    }

    private Result failed(UsageStore.LogRow log, long from, String why) {
        store.usage().failed(log.logId(), why, clock.instant());
        return new Result(log.logId(), log.member(), "failed", from, from, why);
    }

    private Result flagged(UsageStore.LogRow log, long from, String why, String evidence) {
        store.usage().flag(log.logId(), log.member(), why, evidence, clock.instant());
        return new Result(log.logId(), log.member(), "flagged", from, from, why);
    }

    private static String evidence(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return Json.write(m);
    }

    private static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Caches what the store says about licenses while one log is collected. */
    static final class Attribution {
        final Map<String, Optional<IssuerStore.LicenseRow>> licenses = new HashMap<>();
        final Map<String, Optional<IssuerStore.LicenseeRow>> licensees = new HashMap<>();
        final String collectiveId;
        final IssuerStore store;
        final String member;
        final String logId;
        final Instant now;
        long foreign;
        long unattributed;
        long unreadable;

        Attribution(String collectiveId, IssuerStore store, String member, String logId, Instant now) {
            this.collectiveId = collectiveId;
            this.store = store;
            this.member = member;
            this.logId = logId;
            this.now = now;
        }

        UsageStore.EntryRow row(long index, String leafHex, LogEntry e) {
            String usage = e.usages().isEmpty() ? "all" : e.usages().get(0);
            boolean attested = e.signatureInput().isPresent() && e.signature().isPresent();
            boolean served = e.method().equals("GET") && e.status() >= 200 && e.status() < 300 && e.complete();
            Optional<String> note = Optional.empty();
            Optional<String> agreement = Optional.empty();
            if (!e.iss().equals(collectiveId)) {
                foreign++;
                note = Optional.of("made under another issuer's license (" + e.iss() + ")");
            } else {
                Optional<IssuerStore.LicenseRow> lic = licenses.computeIfAbsent(e.jti(), jti -> {
                    Optional<IssuerStore.LicenseRow> found = store.license(jti);
                    if (found.isEmpty()) { // alerted once a license, not once an entry
                        store.usage().alert(logId, member, "entry.unknown_license", "log " + logId + " has entries under license " + jti
                                + ", which this collective did not issue; they are not billed", null, now);
                    }
                    return found;
                });
                if (lic.isEmpty()) {
                    note = Optional.of("license " + e.jti() + " was not issued by this collective");
                } else if (!lic.get().licensee().equals(e.licensee())) {
                    note = Optional.of("the entry names licensee " + e.licensee() + ", the license was issued to " + lic.get().licensee());
                } else {
                    Optional<IssuerStore.LicenseeRow> who = licensees.computeIfAbsent(e.licensee(), store::licensee);
                    if (who.isEmpty() || !who.get().jkt().equals(e.jkt())) {
                        note = Optional.of("made with key " + e.jkt() + ", not the licensee's registered key");
                    } else if (!e.url().startsWith(member + "/") && !e.url().equals(member)) {
                        note = Optional.of("the URL is not on the member's origin " + member);
                    } else {
                        agreement = Optional.of(lic.get().agreement());
                    }
                }
            }
            if (agreement.isEmpty()) {
                unattributed++;
            }
            return new UsageStore.EntryRow(logId, index, leafHex, e.time(), Optional.of(e.licensee()).filter(s -> !s.isEmpty()),
                    Optional.of(e.jti()).filter(s -> !s.isEmpty()), agreement, member, usage, e.bytes(), attested, served && agreement.isPresent(), note,
                    Optional.of(e.jkt()).filter(s -> !s.isEmpty()), Optional.of(e.rid()).filter(s -> !s.isEmpty()), pathOf(e.url()));
        }

        /** The path and query of an entry's URL, as a proxy matches path opt-outs ([CNS-2]); empty when it is no URL. */
        static Optional<String> pathOf(String url) {
            int scheme = url.indexOf("://");
            int slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
            if (slash > 0 && plainUri(url)) {
                // The common case, without java.net.URI's parse: what getRawPath() and getRawQuery() give for such a URL.
                int hash = url.indexOf('#', slash);
                String rest = hash < 0 ? url.substring(slash) : url.substring(slash, hash);
                return Optional.of(rest);
            }
            try {
                return Optional.of(org.cb4i.sdk.terms.PathPattern.pathAndQuery(java.net.URI.create(url)));
            } catch (IllegalArgumentException x) {
                return Optional.empty();
            }
        }

        /**
         * Whether java.net.URI would take {@code url} as a plain hierarchical URL: a scheme, characters RFC 3986 allows
         * (brackets, allowed only around an IPv6 host, not at all: such URLs take the parser), '%' only before two hex
         * digits, at most one '#', and an authority without '?' or '#'. Anything else is parsed by java.net.URI.
         */
        private static boolean plainUri(String url) {
            int n = url.length();
            for (int i = 0; i < n; i++) {
                char c = url.charAt(i);
                if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~:/?#@!$&'()*+,;=".indexOf(c) >= 0) {
                    continue;
                }
                if (c == '%' && i + 2 < n && HexFormat.isHexDigit(url.charAt(i + 1)) && HexFormat.isHexDigit(url.charAt(i + 2))) {
                    continue;
                }
                return false;
            }
            if (url.indexOf('#') != url.lastIndexOf('#')) {
                return false;
            }
            int start = url.indexOf("://") + 3;
            if (start == 3 || !Character.isLetter(url.charAt(0)) || !url.substring(0, start - 3).chars().allMatch(c -> c < 128
                    && (Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.'))) {
                return false;
            }
            int slash = url.indexOf('/', start);
            String authority = url.substring(start, slash);
            return authority.indexOf('?') < 0 && authority.indexOf('#') < 0 && authority.indexOf('[') < 0 && !authority.isEmpty();
        }

        String summary() {
            return (unattributed == 0 ? "" : "; " + unattributed + " entries not billable to an agreement of this collective" + (foreign == 0 ? ""
                    : " (" + foreign + " under another issuer's licenses)")) + (unreadable == 0 ? "" : "; " + unreadable + " entries are not JSON");
        }
    }
}
