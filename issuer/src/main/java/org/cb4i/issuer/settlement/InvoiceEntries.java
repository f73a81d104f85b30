package org.cb4i.issuer.settlement;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.StatementStore;
import org.cb4i.issuer.store.StoreException;
import org.cb4i.issuer.store.UsageStore;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.log.MerkleTree;
import org.cb4i.sdk.settlement.Statement;

/**
 * What a closed invoice counted, entry by entry, for its licensee ([SET-12]): each entry's log, index, leaf hash,
 * receipt id and key, with its inclusion proof in the invoice's {@code entries.root}, so that the licensee can check
 * every billed entry was made with its key and matches a receipt it holds.
 */
public final class InvoiceEntries {
    /** The most entries one page gives. */
    public static final int MAX_PAGE = 10_000;
    private static final HexFormat HEX = HexFormat.of();

    private InvoiceEntries() {}

    /**
     * A page of an invoice's entries.
     *
     * @param licensee the authenticated licensee: only its own invoices are answered (another's reads as absent)
     * @throws StoreException not found (no such closed invoice of this licensee), invalid (a bad range), failure (the
     *     stored entries no longer give the invoice's root)
     */
    public static Map<String, Object> page(IssuerStore store, KeySet keys, String number, String licensee, long start, long end) {
        StatementStore.StatementRow row = store.statements().statement(number).filter(s -> s.kind().equals("invoice") && s.party().equals(licensee))
                .orElseThrow(() -> StoreException.notFound("no closed invoice " + number + " of " + licensee));
        Statement invoice = Statement.verify(row.jws(), iss -> keys);
        List<String> closed = store.statements().closedPeriods();
        int at = closed.indexOf(invoice.period());
        Optional<String> previous = at > 0 ? Optional.of(closed.get(at - 1)) : Optional.empty();
        MerkleTree tree = new MerkleTree();
        List<UsageStore.InvoiceEntry> entries = new ArrayList<>();
        store.usage().forEachOfInvoice(invoice.agreement().orElseThrow(), invoice.period(), previous, e -> {
            tree.appendLeafHash(Statement.entryLeafHash(e.logId(), e.index(), e.leafHex()));
            entries.add(e);
        });
        long n = tree.size();
        String root = HEX.formatHex(tree.root(n));
        if (invoice.entries().isEmpty() || n != invoice.entries().get().count() || !root.equals(invoice.entries().get().rootHex())) {
            throw new StoreException("the stored entries of invoice " + number + " (" + n + ", root " + root + ") no longer give its entries root");
        }
        if (start < 0 || start > end || end - start > MAX_PAGE) {
            throw StoreException.invalid("need 0 <= start <= end and at most " + MAX_PAGE + " entries a page; asked for " + start + ".." + end);
        }
        List<Object> page = new ArrayList<>();
        for (long i = start; i < Math.min(end, n); i++) {
            UsageStore.InvoiceEntry e = entries.get((int) i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("position", i);
            m.put("log_id", e.logId());
            m.put("index", e.index());
            m.put("leaf", e.leafHex());
            e.rid().ifPresent(v -> m.put("rid", v));
            e.jkt().ifPresent(v -> m.put("jkt", v));
            m.put("time", e.at().getEpochSecond());
            m.put("member", e.member());
            m.put("usage", e.usage());
            m.put("bytes", e.bytes());
            m.put("attested", e.attested());
            m.put("inclusion_proof", tree.inclusionProof(i, n).stream().map(HEX::formatHex).toList());
            page.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("statement", number);
        out.put("count", n);
        out.put("root", root);
        out.put("start", start);
        out.put("end", Math.min(end, n));
        out.put("entries", page);
        return out;
    }
}
