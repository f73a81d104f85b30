package org.cb4i.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.cb4i.cli.IssuerCommand.AdminCommand;
import org.cb4i.issuer.settlement.StatementFiles;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.settlement.Statement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The settlement subcommands of {@code cb4i issuer} (SPEC.md §15): members' logs, collection, usage, price
 * amendments, settling a month, invoice status and credit notes. Like the other admin commands they work on the store
 * directly or through a running issuer's {@code /admin}.
 */
final class SettlementCommands {
    private SettlementCommands() {}

    @Command(name = "log", mixinStandardHelpOptions = true, description = "The members' proxy logs the collector reads.",
            subcommands = {Log.Add.class, Log.Approve.class, Log.Resolve.class, Log.ListCmd.class})
    static final class Log {
        @Command(name = "add", mixinStandardHelpOptions = true, description = "Register a member's proxy log (all the logs its proxy names, or --log).")
        static final class Add extends AdminCommand {
            @Option(names = "--member", required = true, paramLabel = "URL", description = "The member's origin.")
            String member;

            @Option(names = "--url", paramLabel = "URL", description = "The member proxy's base URL (default: the member's origin).")
            String url;

            @Option(names = "--log", paramLabel = "ID", description = "The log id (default: every log the proxy's /.well-known/cb4i names).")
            String log;

            @Override
            Map<String, Object> op() {
                return IssuerCommand.op("log.add", "member", member, "url", url, "log_id", log);
            }
        }

        @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a log the collector found (its usage counts from then on).")
        static final class Approve extends AdminCommand {
            @Option(names = "--log", required = true, paramLabel = "ID", description = "The log id, as cb4i issuer log list shows it.")
            String log;

            @Override
            Map<String, Object> op() {
                return IssuerCommand.op("log.approve", "log_id", log);
            }
        }

        @Command(name = "resolve", mixinStandardHelpOptions = true,
                description = "Resume collecting a flagged log from its last verified checkpoint (the evidence stays in the alerts).")
        static final class Resolve extends AdminCommand {
            @Option(names = "--log", required = true, paramLabel = "ID", description = "The flagged log's id.")
            String log;

            @Override
            Map<String, Object> op() {
                return IssuerCommand.op("log.resolve", "log_id", log);
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "The logs, how far each is verified, and open alerts.")
        static final class ListCmd extends AdminCommand {
            @Option(names = "--all-alerts", description = "Resolved alerts too.")
            boolean all;

            @Override
            Map<String, Object> op() {
                return IssuerCommand.op("log.list", "all", all ? Boolean.TRUE : null);
            }
        }
    }

    @Command(name = "collect", mixinStandardHelpOptions = true, description = "Collect usage from every approved member log now.")
    static final class Collect extends AdminCommand {
        @Override
        Map<String, Object> op() {
            return IssuerCommand.op("collect");
        }

        @Override
        Duration timeout() {
            return Duration.ofMinutes(30);
        }

        @Override
        int show(PrintWriter out, JsonNode answer) throws IOException {
            int code = super.show(out, answer);
            for (JsonNode r : answer.path("results")) {
                // failed, flagged or skipped (waiting for approval) need the operator; a retired log ([LOG-6]) is complete.
                if (!java.util.Set.of("collected", "unchanged", "retired").contains(r.path("outcome").asText())) {
                    code = ExitCodes.REFUSED;
                }
            }
            return code;
        }
    }

    @Command(name = "usage", mixinStandardHelpOptions = true, description = "Counted usage by licensee, member, usage and UTC day.")
    static final class Usage extends AdminCommand {
        @Option(names = "--licensee", paramLabel = "ID", description = "Only this licensee.")
        String licensee;

        @Option(names = "--member", paramLabel = "URL", description = "Only this member (its origin).")
        String member;

        @Option(names = "--since", paramLabel = "DATE", description = "Only from the UTC day of this date or instant on (usage is kept by day).")
        String since;

        @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", description = "text, json or csv (default ${DEFAULT-VALUE}).")
        String format;

        @Override
        Map<String, Object> op() {
            if (!List.of("text", "json", "csv").contains(format)) {
                throw new IllegalArgumentException("--format: expected text, json or csv; found \"" + format + "\"");
            }
            return IssuerCommand.op("usage", "licensee", licensee, "member", member, "since", IssuerCommand.seconds("--since", since));
        }

        @Override
        int show(PrintWriter out, JsonNode answer) throws IOException {
            if (json || format.equals("json")) {
                out.println(Json.writePretty(answer.get("usage")));
            } else if (format.equals("csv")) {
                out.print("day,licensee,member,usage,requests,bytes,attested,billable\r\n");
                for (JsonNode u : answer.get("usage")) {
                    out.print(String.join(",", u.get("day").asText(), csv(u.get("licensee").asText()), csv(u.get("member").asText()), u.get("usage").asText(),
                            u.get("requests").asText(), u.get("bytes").asText(), u.get("attested").asText(), u.get("billable").asText()) + "\r\n");
                }
            } else {
                out.println(String.format("%-10s  %-24s  %-32s  %-8s  %10s  %14s  %9s  %9s", "day", "licensee", "member", "usage", "requests", "bytes",
                        "attested", "billable"));
                for (JsonNode u : answer.get("usage")) {
                    out.println(String.format("%-10s  %-24s  %-32s  %-8s  %10d  %14d  %9d  %9d", u.get("day").asText(), u.get("licensee").asText(),
                            u.get("member").asText(), u.get("usage").asText(), u.get("requests").asLong(), u.get("bytes").asLong(),
                            u.get("attested").asLong(), u.get("billable").asLong()));
                }
                if (answer.get("usage").isEmpty()) {
                    out.println("(no counted usage" + (licensee != null || member != null || since != null ? " matches" : " yet: cb4i issuer collect") + ")");
                }
            }
            return ExitCodes.OK;
        }

        private static String csv(String v) {
            return v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
        }
    }

    @Command(name = "price", mixinStandardHelpOptions = true, description = "Amend an agreement's price schedule from a date on (earlier usage keeps its price).")
    static final class Price extends AdminCommand {
        @Option(names = "--id", required = true, paramLabel = "AGREEMENT", description = "The agreement to amend.")
        String id;

        @Option(names = "--price", required = true, paramLabel = "FILE", description = "The new price schedule (SPEC.md [SET-1]).")
        Path price;

        @Option(names = "--allocation", paramLabel = "FILE", description = "How the payouts are shared, replacing the schedule's allocation: "
                + "a JSON value such as \"equal\" or what cb4i value --weights-out writes ({\"value\": {...}}: members paid by value).")
        Path allocation;

        @Option(names = "--from", paramLabel = "DATE", description = "In force from (default: now).")
        String from;

        @Override
        Map<String, Object> op() throws IOException {
            return IssuerCommand.op("agreement.price", "id", id, "price", PriceFiles.read(price, allocation), "from", IssuerCommand.seconds("--from", from));
        }
    }

    @Command(name = "settle", mixinStandardHelpOptions = true,
            description = "Settle a calendar month: an invoice per agreement, a payout statement per member, a summary; --close makes them final.")
    static final class Settle extends AdminCommand {
        private org.cb4i.issuer.config.IssuerConfig configForKeys() throws IOException {
            try {
                return target.config();
            } catch (org.cb4i.sdk.config.ConfigException e) {
                throw new IOException(e.getMessage());
            }
        }

        @Option(names = "--period", required = true, paramLabel = "YYYY-MM", description = "The calendar month (UTC), e.g. 2026-11.")
        String period;

        @Option(names = "--close", description = "Close the period: number and store the statements; they never change after.")
        boolean close;

        @Option(names = "--allow-incomplete", description = "Close although some member logs are not verified to the month's end (their lines say so).")
        boolean allowIncomplete;

        @Option(names = "--out", defaultValue = "statements", paramLabel = "DIR", description = "Where to write the statements (default ${DEFAULT-VALUE}).")
        Path out;

        @Override
        Map<String, Object> op() {
            return IssuerCommand.op("settle", "period", period, "close", close ? Boolean.TRUE : null, "allow_incomplete", allowIncomplete ? Boolean.TRUE : null,
                    "out", out.toAbsolutePath().toString());
        }

        @Override
        Duration timeout() {
            return Duration.ofMinutes(30);
        }

        @Override
        int show(PrintWriter w, JsonNode answer) throws IOException {
            if (json) {
                return super.show(w, answer);
            }
            org.cb4i.sdk.key.KeySet keys = org.cb4i.sdk.key.KeySet.of(org.cb4i.sdk.key.KeyFiles.readSigningKey(configForKeys().key()).publicKey());
            JsonNode briefs = answer.path("briefs");
            int summaries = 0;
            for (JsonNode b : briefs) {
                summaries += b.path("kind").asText().equals("summary") ? 1 : 0;
            }
            boolean several = summaries > 1;
            for (JsonNode b : briefs) {
                // A few statements are shown whole, read back from their files as any holder would (signature checked);
                // a large month only in brief.
                Path file = out.resolve(b.path("kind").asText().equals("summary") ? (several ? "summary-" + b.path("currency").asText() : "summary") + ".jwt"
                        : b.path("number").asText() + "." + b.path("kind").asText() + ".jwt");
                if (briefs.size() <= 20 && Files.isRegularFile(file)) {
                    StatementFiles.text(Statement.verify(Files.readString(file, StandardCharsets.US_ASCII), iss -> keys)).forEach(w::println);
                    w.println();
                } else {
                    w.println(b.path("kind").asText() + " " + b.path("number").asText() + " " + b.path("party").asText() + ": "
                            + StatementFiles.amount(b.path("total_minor").asLong(), b.path("currency").asText()) + " " + b.path("currency").asText());
                }
            }
            for (JsonNode i : answer.path("incomplete")) {
                w.println("incomplete: " + i.path("member").asText() + " log " + i.path("log_id").asText() + ": " + i.path("why").asText());
            }
            for (JsonNode n : answer.path("notes")) {
                w.println("note: " + n.asText());
            }
            w.println((answer.path("closed").asBoolean() ? "period " + period + " is closed; " : "draft (nothing stored; --close makes it final); ")
                    + briefs.size() + " statements written to " + out + " (.jwt signed, .json, .csv, .html)");
            return ExitCodes.OK;
        }
    }

    @Command(name = "statements", mixinStandardHelpOptions = true, description = "Closed periods' statements, with invoice status.")
    static final class Statements extends AdminCommand {
        @Option(names = "--period", paramLabel = "YYYY-MM", description = "Only this month's statements.")
        String period;

        @Override
        Map<String, Object> op() {
            return IssuerCommand.op("statement.list", "period", period);
        }
    }

    @Command(name = "invoice", mixinStandardHelpOptions = true, description = "Set an invoice's status: open, paid or overdue.")
    static final class Invoice extends AdminCommand {
        @Option(names = "--number", required = true, paramLabel = "NUMBER", description = "The invoice number, e.g. 2026-11-I0001.")
        String number;

        @Option(names = "--status", required = true, paramLabel = "STATUS", description = "open, paid or overdue.")
        String status;

        @Override
        Map<String, Object> op() {
            return IssuerCommand.op("invoice.status", "number", number, "status", status);
        }
    }

    @Command(name = "credit", mixinStandardHelpOptions = true, description = "Answer a disputed invoice line with a signed credit note.")
    static final class Credit extends AdminCommand {
        @Option(names = "--invoice", required = true, paramLabel = "NUMBER", description = "The invoice whose line is disputed.")
        String invoice;

        @Option(names = "--line", required = true, paramLabel = "N", description = "The disputed line's number.")
        int line;

        @Option(names = "--amount-minor", required = true, paramLabel = "UNITS", description = "The credit in minor units (cents for EUR).")
        long amount;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why the line is credited (it is signed into the note).")
        String reason;

        @Override
        Map<String, Object> op() {
            return IssuerCommand.op("credit", "invoice", invoice, "line", line, "amount_minor", amount, "reason", reason);
        }
    }
}
