package org.cb4i.issuer.settlement;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Optional;
import org.cb4i.sdk.files.AtomicFiles;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.settlement.Statement;

/**
 * A statement's files ([SET-10]): the signed JWS, its claims as JSON, its lines as CSV for accounting, and a printable
 * HTML page (invoices, credit notes, the summary); and its text for a terminal. Amounts are shown in major units beside the exact {@code _minor} integers.
 */
public final class StatementFiles {
    private StatementFiles() {}

    /** The file name stem: {@code <number>.invoice}, {@code <number>.payout}, {@code summary} (or {@code summary-<currency>} when several). */
    public static String stem(Statement s, boolean severalSummaries) {
        return switch (s.kind()) {
            case SUMMARY -> severalSummaries ? "summary-" + s.currency() : "summary";
            case CREDIT_NOTE -> s.number() + ".credit";
            default -> s.number() + "." + s.kind().token();
        };
    }

    /**
     * Writes {@code stem.jwt}, {@code .json}, {@code .csv} and (but for payouts) a printable {@code .html} into {@code dir},
     * each atomically; returns the JWS file.
     */
    public static Path write(Path dir, Statement s, boolean severalSummaries) throws IOException {
        for (var f : files(s, severalSummaries).entrySet()) {
            AtomicFiles.write(dir.resolve(f.getKey()), f.getValue(), false, true);
        }
        return dir.resolve(stem(s, severalSummaries) + ".jwt");
    }

    /** The same files staged in a batch (each replaced atomically when the batch commits): for the many statements of a month. */
    public static void write(AtomicFiles.Batch batch, Path dir, Statement s, boolean severalSummaries) throws IOException {
        for (var f : files(s, severalSummaries).entrySet()) {
            batch.write(dir.resolve(f.getKey()), f.getValue());
        }
    }

    private static java.util.Map<String, byte[]> files(Statement s, boolean severalSummaries) {
        String stem = stem(s, severalSummaries);
        java.util.Map<String, byte[]> m = new java.util.LinkedHashMap<>();
        m.put(stem + ".jwt", (s.compact() + "\n").getBytes(StandardCharsets.US_ASCII));
        m.put(stem + ".json", (Json.writePretty(s.claims()) + "\n").getBytes(StandardCharsets.UTF_8));
        m.put(stem + ".csv", csv(s).getBytes(StandardCharsets.UTF_8));
        if (s.kind() != Statement.Kind.PAYOUT) {
            // A printable page for invoices, credit notes and the summary; a member's payout reads as well from its CSV.
            m.put(stem + ".html", html(s).getBytes(StandardCharsets.UTF_8));
        }
        return m;
    }

    public static String amount(long minor, String currency) {
        int digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        return BigDecimal.valueOf(minor, digits).toPlainString();
    }

    public static String csv(Statement s) {
        StringBuilder b = new StringBuilder("number,period,kind,line,line_kind,member,usage,invoice,agreement,licensee,requests,bytes,attested,logged,"
                + "amount_minor,amount,currency,incomplete_until,opted_out\r\n");
        for (Statement.Line l : s.lines()) {
            b.append(String.join(",", cell(s.number()), s.period(), s.kind().token(), Integer.toString(l.line()), cell(l.kind()), cell(l.member()),
                    cell(l.usage()), cell(l.invoice()), cell(l.agreement().or(s::agreement)), cell(l.licensee().or(s::licensee)), Long.toString(l.requests()),
                    Long.toString(l.bytes()), Long.toString(l.attested()), Long.toString(l.logged()), Long.toString(l.amountMinor()),
                    amount(l.amountMinor(), s.currency()), s.currency(), l.incompleteUntil().map(Instant::toString).orElse(""),
                    Long.toString(l.optedOut()))).append("\r\n");
        }
        for (Statement.Share p : s.payouts()) {
            b.append(String.join(",", cell(s.number()), s.period(), s.kind().token(), "", "payout", cell(p.member()), "", cell(p.statement()), "", "",
                    "", "", "", "", Long.toString(p.amountMinor()), amount(p.amountMinor(), s.currency()), s.currency(), "", "")).append("\r\n");
        }
        return b.toString();
    }

    private static String cell(Optional<String> v) {
        return cell(v.orElse(""));
    }

    /** RFC 4180: quoted when it holds a comma, quote or line break; a leading =, +, - or @ is quoted too (spreadsheet formulas). */
    private static String cell(String v) {
        boolean formula = !v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0;
        if (formula || v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return "\"" + (formula ? "'" : "") + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }

    /** What {@code cb4i issuer settle} and the demo print for one statement. */
    public static List<String> text(Statement s) {
        List<String> out = new ArrayList<>();
        String head = switch (s.kind()) {
            case INVOICE -> "invoice " + s.number() + " to " + s.licensee().orElse("?") + " (agreement " + s.agreement().orElse("?") + ")";
            case PAYOUT -> "payout statement " + s.number() + " to " + s.member().orElse("?");
            case SUMMARY -> "summary " + s.number();
            case CREDIT_NOTE -> "credit note " + s.number() + " for " + s.refersTo().orElse("?");
        };
        out.add(head + ", " + s.period() + (s.draft() ? " (DRAFT: not closed)" : ""));
        for (Statement.Line l : s.lines()) {
            String what = switch (s.kind()) {
                case PAYOUT -> "share of " + l.invoice().orElse("?") + " (" + l.licensee().orElse("?") + ")";
                case CREDIT_NOTE -> "credit on " + l.invoice().orElse("?");
                default -> l.kind() + l.member().map(m -> " " + m).orElse("") + l.usage().map(u -> " " + u).orElse("")
                        + (l.kind().equals("usage") || l.kind().equals("adjustment") ? ": " + l.requests() + " requests (" + l.attested() + " attested, "
                                + l.logged() + " logged), " + l.bytes() + " bytes" : "");
            };
            out.add(String.format("  %3d  %-86s %14s %s%s%s", l.line(), what, amount(l.amountMinor(), s.currency()), s.currency(),
                    l.incompleteUntil().map(t -> "  INCOMPLETE: verified to " + t).orElse(""),
                    l.optedOut() == 0 ? "" : "  (" + l.optedOut() + " served after the member opted them out)"));
        }
        if (s.kind() == Statement.Kind.SUMMARY) {
            s.invoices().forEach(i -> out.add("  invoice " + i.number() + " " + i.licensee() + ": " + amount(i.totalMinor(), s.currency()) + " " + s.currency()
                    + " (fee " + amount(i.feeMinor(), s.currency()) + ")"));
            s.payouts().forEach(p -> out.add("  payout to " + p.member() + ": " + amount(p.amountMinor(), s.currency()) + " " + s.currency()));
            out.add("  fee: " + amount(s.feeMinor().orElse(0), s.currency()) + " " + s.currency());
        }
        out.add("  total: " + amount(s.totalMinor(), s.currency()) + " " + s.currency() + s.entries().map(e -> "; " + e.count()
                + " log entries, root " + e.rootHex().substring(0, 16) + "…").orElse(""));
        return out;
    }

    public static String html(Statement s) {
        StringBuilder rows = new StringBuilder();
        for (Statement.Line l : s.lines()) {
            rows.append("<tr><td>").append(l.line()).append("</td><td>").append(esc(l.kind())).append("</td><td>")
                    .append(esc(l.member().or(l::invoice).orElse(""))).append("</td><td>").append(esc(l.usage().or(l::licensee).orElse("")))
                    .append("</td><td class=n>").append(l.requests()).append("</td><td class=n>").append(l.bytes()).append("</td><td class=n>")
                    .append(l.attested()).append(" / ").append(l.logged())
                    .append(l.optedOut() == 0 ? "" : "<br><small>" + l.optedOut() + " served after the member opted them out</small>")
                    .append("</td><td class=n>").append(amount(l.amountMinor(), s.currency()))
                    .append(l.incompleteUntil().map(t -> " <em>(incomplete: verified to " + esc(t.toString()) + ")</em>").orElse("")).append("</td></tr>\n");
        }
        for (Statement.Share p : s.payouts()) {
            rows.append("<tr><td></td><td>payout</td><td>").append(esc(p.member())).append("</td><td>").append(esc(p.statement().orElse("")))
                    .append("</td><td></td><td></td><td></td><td class=n>").append(amount(p.amountMinor(), s.currency())).append("</td></tr>\n");
        }
        String title = s.kind().token().replace('_', ' ') + " " + s.number();
        return "<!doctype html>\n<html lang=en><head><meta charset=utf-8><title>" + esc(title) + "</title>\n<style>"
                + "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}table{border-collapse:collapse;width:100%}"
                + "th,td{border-bottom:1px solid #ccc;padding:.3em .5em;text-align:left}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
                + ".draft{color:#a00;font-weight:bold}footer{margin-top:2em;font-size:12px;color:#555;word-break:break-all}"
                + "@media print{body{margin:0}}</style></head><body>\n<h1>" + esc(title) + "</h1>\n"
                + (s.draft() ? "<p class=draft>Draft: the period is not closed; amounts may change.</p>\n" : "")
                + "<p>Period " + esc(s.period()) + " · issued by " + esc(s.issuer()) + " on " + esc(s.issuedAt().toString())
                + s.licensee().map(v -> " · to " + esc(v)).orElse("") + s.member().map(v -> " · to " + esc(v)).orElse("")
                + s.agreement().map(v -> " · agreement " + esc(v)).orElse("") + "</p>\n"
                + "<table><thead><tr><th>#</th><th>kind</th><th>member / invoice</th><th>usage / licensee</th><th class=n>requests</th>"
                + "<th class=n>bytes</th><th class=n>attested / logged</th><th class=n>amount (" + esc(s.currency()) + ")</th></tr></thead>\n<tbody>\n"
                + rows + "</tbody><tfoot>"
                + s.feeMinor().stream().mapToObj(f -> "<tr><th colspan=7>collective's fee</th><th class=n>" + amount(f, s.currency()) + "</th></tr>")
                        .findFirst().orElse("")
                + "<tr><th colspan=7>total</th><th class=n>" + amount(s.totalMinor(), s.currency()) + "</th></tr></tfoot></table>\n"
                + "<footer>" + s.entries().map(e -> esc(e.count() + " log entries; their Merkle root " + e.rootHex()) + "<br>").orElse("")
                + s.checkpoints().stream().map(c -> esc("log " + c.logId() + " of " + c.member() + ": counted up to " + c.size() + " entries, root "
                        + c.rootHex())).collect(java.util.stream.Collectors.joining("<br>"))
                + "<br>Check it: cb4i statement check " + esc(stem(s, false)) + ".jwt --trust trust.json</footer>\n</body></html>\n";
    }

    private static String esc(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                default -> null;
            };
            if (r != null && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (r != null) {
                    b.append(r);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }
}
