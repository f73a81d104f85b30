package org.cb4i.sdk.settlement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.log.MerkleTree;

/**
 * A settlement statement ([SET-10]): an invoice to a licensee, a payout statement to a member, a period's summary,
 * or a credit note, signed by the collective as a compact JWS ({@code typ: statement+jwt}). Every amount is a whole
 * number of the currency's minor units. Written by {@link #sign}, read by {@link #verify}; immutable.
 *
 * @param compact the signed form ("" until signed)
 * @param entries for invoices and payouts: how many log entries the statement counts, and the Merkle root over them
 *     ({@link #entryLeaf})
 * @param checkpoints the members' log checkpoints the statement counted up to
 */
public record Statement(String compact, String issuer, Kind kind, String number, String period, Instant issuedAt, boolean draft, String currency,
        Optional<String> agreement, Optional<String> licensee, Optional<String> member, List<Line> lines, long totalMinor, OptionalLong feeMinor,
        List<Share> payouts, List<InvoiceRef> invoices, List<Counted> checkpoints, Optional<Entries> entries, Optional<String> refersTo,
        Optional<String> reason) {
    public static final String TYP = "statement+jwt";
    public static final int MAX_CHARS = 16 << 20;

    /** What a statement is. */
    public enum Kind {
        INVOICE, PAYOUT, SUMMARY, CREDIT_NOTE;

        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Kind> parse(String s) {
            for (Kind k : values()) {
                if (k.token().equals(s)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * A line. Invoice lines carry {@code kind} ({@code usage}, {@code flat}, {@code minimum}, {@code adjustment}), the
     * member and usage, and the counts; payout lines name the invoice, agreement and licensee they come from; a credit
     * note's line names the invoice line it credits.
     *
     * @param incompleteUntil when the member's logs could be verified only up to an earlier time ({@code --allow-incomplete})
     */
    public record Line(int line, String kind, Optional<String> member, Optional<String> usage, long requests, long bytes, long attested, long logged,
            long amountMinor, Optional<Instant> incompleteUntil, Optional<String> invoice, Optional<String> agreement, Optional<String> licensee,
            long optedOut) {
        public Line {
            Objects.requireNonNull(kind, "kind");
        }

        /** A line without entries served against the member's consent ({@code opted_out}, [CNS-8]). */
        public Line(int line, String kind, Optional<String> member, Optional<String> usage, long requests, long bytes, long attested, long logged,
                long amountMinor, Optional<Instant> incompleteUntil, Optional<String> invoice, Optional<String> agreement, Optional<String> licensee) {
            this(line, kind, member, usage, requests, bytes, attested, logged, amountMinor, incompleteUntil, invoice, agreement, licensee, 0);
        }
    }

    /** A member's share of a summary, and the payout statement that pays it. */
    public record Share(String member, long amountMinor, Optional<String> statement) {}

    /** An invoice a summary covers. */
    public record InvoiceRef(String number, String agreement, String licensee, long totalMinor, long feeMinor) {}

    /** A log's tree a statement counted up to: its size and root, as the collector verified them under the log's signed checkpoint. */
    public record Counted(String logId, String member, long size, String rootHex) {}

    /** The entries a statement counts: how many, and the RFC 9162 root over their {@link #entryLeaf}s in (log id, index) order. */
    public record Entries(long count, String rootHex) {}

    public Statement {
        lines = List.copyOf(lines);
        payouts = List.copyOf(payouts);
        invoices = List.copyOf(invoices);
        checkpoints = List.copyOf(checkpoints);
    }

    /** The bytes of a counted entry's leaf ([SET-10]): {@code <log id> SP <index> SP <entry leaf hash, hex>} in UTF-8. */
    public static byte[] entryLeaf(String logId, long index, String leafHex) {
        return (logId + " " + index + " " + leafHex).getBytes(StandardCharsets.UTF_8);
    }

    /** The leaf hash of {@link #entryLeaf}. */
    public static byte[] entryLeafHash(String logId, long index, String leafHex) {
        return MerkleTree.leafHash(entryLeaf(logId, index, leafHex));
    }

    /** This statement signed by the collective's key. */
    public Statement sign(SigningKey key) {
        String c = CompactJws.sign(key, TYP, claims());
        return new Statement(c, issuer, kind, number, period, issuedAt, draft, currency, agreement, licensee, member, lines, totalMinor, feeMinor,
                payouts, invoices, checkpoints, entries, refersTo, reason);
    }

    /**
     * Sums that do not add up ([SET-10]): an invoice's or payout's total against its lines, a summary's fee and
     * payouts against its total and invoices. Empty when all hold.
     */
    public List<String> arithmeticProblems() {
        List<String> out = new ArrayList<>();
        long lineSum = 0;
        for (Line l : lines) {
            lineSum = Math.addExact(lineSum, l.amountMinor());
            if (l.amountMinor() < 0 && kind != Kind.CREDIT_NOTE) {
                out.add("line " + l.line() + " has a negative amount");
            }
        }
        switch (kind) {
            case INVOICE, PAYOUT, CREDIT_NOTE -> {
                if (lineSum != totalMinor) {
                    out.add(kind.token() + " " + number + ": total_minor is " + totalMinor + ", its lines add up to " + lineSum);
                }
            }
            case SUMMARY -> {
                long paid = payouts.stream().mapToLong(Share::amountMinor).sum();
                long fee = feeMinor.orElse(0);
                if (fee + paid != totalMinor) {
                    out.add("summary " + number + ": fee_minor " + fee + " + payouts " + paid + " = " + (fee + paid) + ", not total_minor " + totalMinor);
                }
                long invoiced = invoices.stream().mapToLong(InvoiceRef::totalMinor).sum();
                long fees = invoices.stream().mapToLong(InvoiceRef::feeMinor).sum();
                if (invoiced != totalMinor || fees != fee) {
                    out.add("summary " + number + ": its invoices add up to " + invoiced + " (fees " + fees + "), not " + totalMinor + " (fee " + fee + ")");
                }
            }
        }
        return out;
    }

    /** The statement's claims, in a stable order. */
    public Map<String, Object> claims() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("iss", issuer);
        m.put("kind", kind.token());
        m.put("number", number);
        m.put("period", period);
        m.put("iat", issuedAt.getEpochSecond());
        if (draft) {
            m.put("draft", true);
        }
        m.put("currency", currency);
        agreement.ifPresent(v -> m.put("agreement", v));
        licensee.ifPresent(v -> m.put("licensee", v));
        member.ifPresent(v -> m.put("member", v));
        refersTo.ifPresent(v -> m.put("refers_to", v));
        reason.ifPresent(v -> m.put("reason", v));
        List<Object> ls = new ArrayList<>();
        for (Line l : lines) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("line", l.line());
            x.put("kind", l.kind());
            l.invoice().ifPresent(v -> x.put("invoice", v));
            l.agreement().ifPresent(v -> x.put("agreement", v));
            l.licensee().ifPresent(v -> x.put("licensee", v));
            l.member().ifPresent(v -> x.put("member", v));
            l.usage().ifPresent(v -> x.put("usage", v));
            if (kind == Kind.INVOICE || l.requests() > 0) {
                x.put("requests", l.requests());
                x.put("bytes", l.bytes());
                x.put("attested", l.attested());
                x.put("logged", l.logged());
                if (l.optedOut() > 0) {
                    x.put("opted_out", l.optedOut()); // [CNS-8]: served in the window after the member opted them out; billed as any other
                }
            }
            x.put("amount_minor", l.amountMinor());
            l.incompleteUntil().ifPresent(t -> x.put("incomplete_until", t.getEpochSecond()));
            ls.add(x);
        }
        m.put("lines", ls);
        m.put("total_minor", totalMinor);
        feeMinor.ifPresent(v -> m.put("fee_minor", v));
        if (kind == Kind.SUMMARY) {
            m.put("invoices", invoices.stream().map(i -> ordered("number", i.number(), "agreement", i.agreement(), "licensee", i.licensee(),
                    "total_minor", i.totalMinor(), "fee_minor", i.feeMinor())).toList());
            m.put("payouts", payouts.stream().map(p -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("member", p.member());
                x.put("amount_minor", p.amountMinor());
                p.statement().ifPresent(s -> x.put("statement", s));
                return x;
            }).toList());
        }
        if (!checkpoints.isEmpty()) {
            m.put("checkpoints", checkpoints.stream().map(c -> ordered("log_id", c.logId(), "member", c.member(), "size", c.size(), "root", c.rootHex()))
                    .toList());
        }
        entries.ifPresent(e -> m.put("entries", ordered("count", e.count(), "root", e.rootHex())));
        return m;
    }

    /** Members in the order given, so that a statement's JSON reads the same every time. */
    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /**
     * Reads and verifies a statement.
     *
     * @param keysFor the trusted keys of the issuer the statement names ({@code iss}); empty set when none are trusted
     * @throws org.cb4i.sdk.Cb4iException when it is not a statement, its signature does not verify with those keys, or
     *     a member is missing or of the wrong type (named)
     */
    public static Statement verify(String compact, Function<String, KeySet> keysFor) {
        CompactJws.Parsed jws = CompactJws.parse(compact.strip(), TYP, MAX_CHARS, "statement");
        ObjectNode c = jws.payload();
        String iss = text(c, "iss");
        CompactJws.verify(jws, keysFor.apply(iss), "statement");
        Kind kind = Kind.parse(text(c, "kind")).orElseThrow(() -> bad("kind: expected invoice, payout, summary or credit_note"));
        List<Line> lines = new ArrayList<>();
        for (JsonNode l : array(c, "lines")) {
            lines.add(new Line(l.path("line").asInt(), text(l, "kind"), opt(l, "member"), opt(l, "usage"), l.path("requests").asLong(),
                    l.path("bytes").asLong(), l.path("attested").asLong(), l.path("logged").asLong(), number(l, "amount_minor"),
                    l.has("incomplete_until") ? Optional.of(Instant.ofEpochSecond(number(l, "incomplete_until"))) : Optional.empty(), opt(l, "invoice"),
                    opt(l, "agreement"), opt(l, "licensee"), l.has("opted_out") ? number(l, "opted_out") : 0));
        }
        List<Share> payouts = new ArrayList<>();
        for (JsonNode p : c.has("payouts") ? array(c, "payouts") : List.<JsonNode>of()) {
            payouts.add(new Share(text(p, "member"), number(p, "amount_minor"), opt(p, "statement")));
        }
        List<InvoiceRef> invoices = new ArrayList<>();
        for (JsonNode i : c.has("invoices") ? array(c, "invoices") : List.<JsonNode>of()) {
            invoices.add(new InvoiceRef(text(i, "number"), text(i, "agreement"), text(i, "licensee"), number(i, "total_minor"), number(i, "fee_minor")));
        }
        List<Counted> cps = new ArrayList<>();
        for (JsonNode k : c.has("checkpoints") ? array(c, "checkpoints") : List.<JsonNode>of()) {
            cps.add(new Counted(text(k, "log_id"), text(k, "member"), number(k, "size"), text(k, "root")));
        }
        Optional<Entries> entries = c.has("entries") ? Optional.of(new Entries(number(c.get("entries"), "count"), text(c.get("entries"), "root")))
                : Optional.empty();
        return new Statement(compact.strip(), iss, kind, text(c, "number"), text(c, "period"), Instant.ofEpochSecond(number(c, "iat")),
                c.path("draft").asBoolean(false), text(c, "currency"), opt(c, "agreement"), opt(c, "licensee"), opt(c, "member"), lines,
                number(c, "total_minor"), c.has("fee_minor") ? OptionalLong.of(number(c, "fee_minor")) : OptionalLong.empty(), payouts, invoices, cps,
                entries, opt(c, "refers_to"), opt(c, "reason"));
    }

    private static String text(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || !v.isTextual()) {
            throw bad(name + ": expected a string");
        }
        return v.textValue();
    }

    private static Optional<String> opt(JsonNode n, String name) {
        JsonNode v = n.get(name);
        return v != null && v.isTextual() ? Optional.of(v.textValue()) : Optional.empty();
    }

    private static long number(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw bad(name + ": expected an integer");
        }
        return v.longValue();
    }

    private static List<JsonNode> array(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || !v.isArray()) {
            throw bad(name + ": expected an array");
        }
        List<JsonNode> out = new ArrayList<>();
        v.forEach(out::add);
        return out;
    }

    private static MalformedInputException bad(String what) {
        return new MalformedInputException(Reason.MALFORMED_TOKEN, "statement: " + what);
    }
}
