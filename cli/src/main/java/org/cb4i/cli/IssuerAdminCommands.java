package org.cb4i.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cb4i.issuer.collective.AdminOps;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import static org.cb4i.cli.IssuerCommand.keysJson;
import static org.cb4i.cli.IssuerCommand.op;
import static org.cb4i.cli.IssuerCommand.seconds;

import org.cb4i.cli.IssuerCommand.AdminCommand;

/**
 * The administration subcommands of {@code cb4i issuer}: members, licensees, agreements, licenses, revocation,
 * suspension, strikes, status and the audit trail. Each builds an {@link AdminOps} operation that {@link AdminCommand}
 * applies to the store directly or sends to the running issuer's {@code /admin}.
 */
final class IssuerAdminCommands {
    private IssuerAdminCommands() {}

    @Command(name = "member", mixinStandardHelpOptions = true, description = "The collective's members (its repertoire).",
            subcommands = {Member.Add.class, Member.ListCmd.class, Member.Remove.class})
    static final class Member {
        @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a member site with its content-signing keys.")
        static final class Add extends AdminCommand {
            @Option(names = "--origin", required = true, paramLabel = "URL", description = "The member's origin, e.g. https://news.example.")
            String origin;

            @Option(names = "--content-keys", required = true, paramLabel = "FILE", description = "The member's public content-signing keys (JWK or JWKS).")
            Path keys;

            @Option(names = "--joined", paramLabel = "DATE", description = "When it joined (default: now).")
            String joined;

            @Option(names = "--organisation", paramLabel = "NAME", description = "The member organisation the site belongs to: an "
                    + "organisation with several sites has one vote (default: the site is its own organisation).")
            String organisation;

            @Override
            Map<String, Object> op() throws IOException {
                return IssuerCommand.op("member.add", "origin", origin, "content_keys", keysJson(keys), "joined", seconds("--joined", joined),
                        "organisation", organisation);
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List memberships, past ones included.")
        static final class ListCmd extends AdminCommand {
            @Override
            Map<String, Object> op() {
                return IssuerCommand.op("member.list");
            }
        }

        @Command(name = "remove", mixinStandardHelpOptions = true, description = "End a membership (it stays in the history).")
        static final class Remove extends AdminCommand {
            @Option(names = "--origin", required = true, paramLabel = "URL", description = "The member site's origin (scheme://host[:port]).")
            String origin;

            @Option(names = "--left", paramLabel = "DATE", description = "When it left (default: now).")
            String left;

            @Override
            Map<String, Object> op() {
                return IssuerCommand.op("member.remove", "origin", origin, "left", seconds("--left", left));
            }
        }
    }

    // ------------------------------------------------------------------ offers

    @Command(name = "offer", mixinStandardHelpOptions = true,
            description = "Offers (SPEC.md §19): terms and price, published signed; a licensee accepts with `cb4i license accept`.",
            subcommands = {OfferCmd.Add.class, OfferCmd.Publish.class, OfferCmd.Withdraw.class, OfferCmd.ListCmd.class})
    static final class OfferCmd {
        @Command(name = "add", mixinStandardHelpOptions = true, description = "Draft an offer: what it grants, its price and the agreement's term.")
        static final class Add extends AdminCommand {
            @Option(names = "--id", required = true, paramLabel = "ID", description = "The offer's id (letters, digits, '.', '_', '-').")
            String id;

            @Mixin
            GrantOptions grant;

            @Option(names = "--price", required = true, paramLabel = "FILE", description = "The price schedule (JSON, SPEC.md [SET-1]).")
            Path price;

            @Option(names = "--from", paramLabel = "DATE", description = "The agreement starts no earlier than this (default: when accepted).")
            String from;

            @Option(names = "--until", required = true, paramLabel = "DATE", description = "The agreement ends then.")
            String until;

            @Override
            Map<String, Object> op() throws IOException {
                Map<String, Object> g = grant.toJson();
                g.put("price", PriceFiles.read(price, null));
                return IssuerCommand.op("offer.add", "id", id, "grant", g, "not_before", seconds("--from", from), "not_after", seconds("--until", until));
            }
        }

        @Command(name = "publish", mixinStandardHelpOptions = true, description = "Publish a draft, signed, with a public notice; it is then immutable.")
        static final class Publish extends AdminCommand {
            @Option(names = "--id", required = true, paramLabel = "ID", description = "The offer.")
            String id;

            @Option(names = "--accept-until", required = true, paramLabel = "DATE", description = "Until when licensees may accept it.")
            String acceptUntil;

            @Override
            Map<String, Object> op() {
                return IssuerCommand.op("offer.publish", "id", id, "accept_until", seconds("--accept-until", acceptUntil));
            }
        }

        @Command(name = "withdraw", mixinStandardHelpOptions = true, description = "Withdraw an offer: it can no longer be accepted.")
        static final class Withdraw extends AdminCommand {
            @Option(names = "--id", required = true, paramLabel = "ID", description = "The offer.")
            String id;

            @Override
            Map<String, Object> op() {
                return IssuerCommand.op("offer.withdraw", "id", id);
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Every offer, its state and who accepted it.")
        static final class ListCmd extends AdminCommand {
            @Override
            Map<String, Object> op() {
                return IssuerCommand.op("offer.list");
            }
        }
    }

    // ------------------------------------------------------------------ the collective's decisions

    @Command(name = "proposal", mixinStandardHelpOptions = true,
            description = "The collective's decisions (SPEC.md §17): members vote with `cb4i proposal vote`; an operator may open one and read them.",
            subcommands = {ProposalCmd.Open.class, ProposalCmd.ListCmd.class, ProposalCmd.Show.class})
    static final class ProposalCmd {
        @Command(name = "open", mixinStandardHelpOptions = true, description = "Open a proposal for the members to vote on.")
        static final class Open extends AdminCommand {
            @Mixin
            ProposalCommand.Options proposal;

            @Override
            Map<String, Object> op() {
                Map<String, Object> op = IssuerCommand.op("proposal.open");
                op.putAll(proposal.read().toJson());
                return op;
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Every proposal, newest first, with its tally.")
        static final class ListCmd extends AdminCommand {
            @Override
            Map<String, Object> op() {
                return IssuerCommand.op("proposal.list");
            }
        }

        @Command(name = "show", mixinStandardHelpOptions = true, description = "One proposal with every vote and the signed request that cast it.")
        static final class Show extends AdminCommand {
            @Parameters(index = "0", paramLabel = "PROPOSAL", description = "The proposal's id (P1, …).")
            String id;

            @Override
            Map<String, Object> op() {
                return IssuerCommand.op("proposal.show", "id", id);
            }
        }
    }

    // ------------------------------------------------------------------ members' consent

    @Command(name = "invite", mixinStandardHelpOptions = true,
            description = "Invite a member or a licensee to the console: prints a link that works once and expires (24 hours by default), "
                    + "with which they register a passkey. Send it privately; it is never written to a log.")
    static final class Invite extends AdminCommand {
        @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Who who;

        static final class Who {
            @Option(names = "--member", required = true, paramLabel = "URL", description = "A member site's origin.")
            String member;

            @Option(names = "--licensee", required = true, paramLabel = "ID", description = "A licensee's id (it sees its agreements, licenses, "
                    + "invoices and notices, and accepts offers).")
            String licensee;
        }

        @Option(names = "--hours", defaultValue = "24", paramLabel = "N", description = "How long the link works (default ${DEFAULT-VALUE}, at most 720).")
        long hours;

        @Override
        Map<String, Object> op() {
            return who.member != null ? IssuerCommand.op("console.invite", "origin", who.member, "hours", hours)
                    : IssuerCommand.op("console.invite", "licensee", who.licensee, "hours", hours);
        }

        @Override
        int show(java.io.PrintWriter out, com.fasterxml.jackson.databind.JsonNode answer) throws IOException {
            if (json) {
                return super.show(out, answer);
            }
            // Passkeys need a secure context: the console is at localhost on the issuer's port (or its https public_url).
            String base;
            try {
                java.net.URI pub = target.config().publicUrl();
                base = "https".equals(pub.getScheme()) ? "https://" + pub.getRawAuthority()
                        : "http://localhost:" + (target.server != null ? target.server.getPort() : target.config().port());
            } catch (org.cb4i.sdk.config.ConfigException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            out.println(base + answer.path("link_path").asText());
            out.println("for " + answer.path("account").asText().replaceFirst("^member:", "").replaceFirst("^licensee:", "licensee ") + ", once, until "
                    + java.time.Instant.ofEpochSecond(answer.path("expires").asLong()));
            return ExitCodes.OK;
        }
    }

    @Command(name = "consent", mixinStandardHelpOptions = true,
            description = "A member's consent (SPEC.md §16): what it opts out of. Members set their own with `cb4i consent set`.",
            subcommands = {ConsentCmd.Show.class, ConsentCmd.Set.class})
    static final class ConsentCmd {
        @Command(name = "show", mixinStandardHelpOptions = true, description = "Every version of a member's consent: when, by whom, what.")
        static final class Show extends AdminCommand {
            @Option(names = "--origin", required = true, paramLabel = "URL", description = "The member site's origin.")
            String origin;

            @Override
            Map<String, Object> op() {
                return IssuerCommand.op("consent.show", "origin", origin);
            }
        }

        @Command(name = "set", mixinStandardHelpOptions = true,
                description = "Set a member's whole choice on its written instruction (recorded as set by the operator).")
        static final class Set extends AdminCommand {
            @Option(names = "--origin", required = true, paramLabel = "URL", description = "The member site's origin.")
            String origin;

            @Option(names = "--opt-out-usage", paramLabel = "USAGE", description = "A usage the member refuses; repeatable.")
            java.util.List<String> usages = new java.util.ArrayList<>();

            @Option(names = "--opt-out-agreement", paramLabel = "URI", description = "An agreement the member stays out of (its URI); repeatable.")
            java.util.List<String> agreements = new java.util.ArrayList<>();

            @Option(names = "--opt-out-path", paramLabel = "PATTERN", description = "Works the member withholds, by path pattern; repeatable.")
            java.util.List<String> paths = new java.util.ArrayList<>();

            @Override
            Map<String, Object> op() {
                Map<String, Object> optOut = new java.util.LinkedHashMap<>();
                if (!usages.isEmpty()) {
                    optOut.put("usages", usages);
                }
                if (!agreements.isEmpty()) {
                    optOut.put("agreements", agreements);
                }
                if (!paths.isEmpty()) {
                    optOut.put("paths", paths);
                }
                return IssuerCommand.op("consent.set", "origin", origin, "opt_out", optOut);
            }
        }
    }

    // ------------------------------------------------------------------ licensees

    @Command(name = "licensee", mixinStandardHelpOptions = true, description = "The collective's licensees (AI builders) and their crawler keys.",
            subcommands = {Licensee.Add.class, Licensee.ListCmd.class, Licensee.Remove.class})
    static final class Licensee {
        @Command(name = "add", mixinStandardHelpOptions = true, description = "Register a licensee with its crawler's public key.")
        static final class Add extends AdminCommand {
            @Option(names = "--id", required = true, paramLabel = "ID", description = "The licensee's id: the sub of its licenses and the client_id it authenticates with at /token.")
            String id;

            @Option(names = "--key", required = true, paramLabel = "FILE", description = "The crawler's public key (JWK, or a JWKS with one key).")
            Path key;

            @Option(names = "--contact", paramLabel = "TEXT", description = "Who to write to.")
            String contact;

            @Override
            Map<String, Object> op() throws IOException {
                return IssuerCommand.op("licensee.add", "id", id, "jwk", keysJson(key), "contact", contact);
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List licensees and whether they are suspended.")
        static final class ListCmd extends AdminCommand {
            @Override
            Map<String, Object> op() {
                return IssuerCommand.op("licensee.list");
            }
        }

        @Command(name = "remove", mixinStandardHelpOptions = true,
                description = "Remove a licensee: its agreements terminated, every license it holds revoked at once, no license again (it stays in the history).")
        static final class Remove extends AdminCommand {
            @Option(names = "--id", required = true, paramLabel = "ID", description = "The licensee.")
            String id;

            @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (kept in the audit trail).")
            String reason;

            @Override
            Map<String, Object> op() {
                return IssuerCommand.op("licensee.remove", "id", id, "reason", reason);
            }
        }
    }

    // ------------------------------------------------------------------ agreements

    @Command(name = "agreement", mixinStandardHelpOptions = true, description = "Agreements: what a licensee's licenses grant, and when.",
            subcommands = {AgreementCmd.Add.class, AgreementCmd.ListCmd.class, AgreementCmd.Amend.class, AgreementCmd.Terminate.class,
                SettlementCommands.Price.class})
    static final class AgreementCmd {
        @Command(name = "add", mixinStandardHelpOptions = true, description = "Record an agreement with a licensee.")
        static final class Add extends AdminCommand {
            @Option(names = "--id", required = true, paramLabel = "ID", description = "The agreement's id (licenses issued under it name it).")
            String id;

            @Option(names = "--licensee", required = true, paramLabel = "ID", description = "The licensee the agreement is with (registered with 'licensee add').")
            String licensee;

            @Mixin
            GrantOptions grant;

            @Option(names = "--from", paramLabel = "DATE", description = "In force from (default: now).")
            String from;

            @Option(names = "--until", required = true, paramLabel = "DATE", description = "In force until, e.g. 2027-12-31.")
            String until;

            @Option(names = "--token-lifetime", paramLabel = "SECONDS", description = "Shorter license lifetime for this agreement.")
            Long tokenLifetime;

            @Option(names = "--price", paramLabel = "FILE", description = "The price schedule, a JSON object kept with the agreement "
                    + "(SPEC.md [SET-1], e.g. {\"currency\": \"EUR\", \"per_request\": \"0.001\", \"minimum\": \"500\", \"fee\": \"10\"}); never put into licenses.")
            Path price;

            @Option(names = "--allocation", paramLabel = "FILE", description = "How the payouts are shared, replacing the schedule's allocation: "
                    + "a JSON value such as \"equal\" or what cb4i value --weights-out writes ({\"value\": {...}}: members paid by value).")
            Path allocation;

            @Override
            Map<String, Object> op() throws IOException {
                Map<String, Object> g = grant.toJson();
                if (tokenLifetime != null) {
                    g.put("token_lifetime", tokenLifetime);
                }
                if (allocation != null && price == null) {
                    throw new IllegalArgumentException("--allocation replaces the allocation of a price schedule: give --price too");
                }
                if (price != null) {
                    g.put("price", PriceFiles.read(price, allocation));
                }
                return IssuerCommand.op("agreement.add", "id", id, "licensee", licensee, "grant", g, "not_before", seconds("--from", from),
                        "not_after", seconds("--until", until));
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List agreements and whether each is in force.")
        static final class ListCmd extends AdminCommand {
            @Option(names = "--licensee", paramLabel = "ID", description = "Only this licensee's agreements.")
            String licensee;

            @Override
            Map<String, Object> op() {
                return IssuerCommand.op("agreement.list", "licensee", licensee);
            }
        }

        @Command(name = "amend", mixinStandardHelpOptions = true,
                description = "New terms for an agreement in force, from now: give the whole grant as it is to be. The licenses of the earlier "
                        + "terms are revoked at once (the licensee asks for new ones), the amendment is kept with the terms before it and "
                        + "published as a notice.")
        static final class Amend extends AdminCommand {
            @Option(names = "--id", required = true, paramLabel = "ID", description = "The agreement.")
            String id;

            @Mixin
            GrantOptions grant;

            @Option(names = "--until", paramLabel = "DATE", description = "A new end of the agreement (default: as it was).")
            String until;

            @Option(names = "--token-lifetime", paramLabel = "SECONDS", description = "Shorter license lifetime for this agreement.")
            Long tokenLifetime;

            @Option(names = "--price", paramLabel = "FILE", description = "The price schedule of the new terms, in force from now (same currency).")
            Path price;

            @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (published in the notices, kept in the audit trail).")
            String reason;

            @Override
            Map<String, Object> op() throws IOException {
                Map<String, Object> g = grant.toJson();
                if (tokenLifetime != null) {
                    g.put("token_lifetime", tokenLifetime);
                }
                if (price != null) {
                    g.put("price", PriceFiles.read(price, null));
                }
                return IssuerCommand.op("agreement.amend", "id", id, "grant", g, "not_after", seconds("--until", until), "reason", reason);
            }
        }

        @Command(name = "terminate", mixinStandardHelpOptions = true,
                description = "End an agreement now, before its term: every license issued under it is revoked at once.")
        static final class Terminate extends AdminCommand {
            @Option(names = "--id", required = true, paramLabel = "ID", description = "The agreement.")
            String id;

            @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (kept with the agreement and in the audit trail).")
            String reason;

            @Override
            Map<String, Object> op() {
                return IssuerCommand.op("agreement.terminate", "id", id, "reason", reason);
            }
        }
    }

    // ------------------------------------------------------------------ licenses and their status

    @Command(name = "licenses", mixinStandardHelpOptions = true, description = "List the licenses issued.")
    static final class LicenseList extends AdminCommand {
        @Option(names = "--licensee", paramLabel = "ID", description = "Only this licensee's licenses.")
        String licensee;

        @Override
        Map<String, Object> op() {
            return IssuerCommand.op("license.list", "licensee", licensee);
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke one license for good (status INVALID).")
    static final class Revoke extends AdminCommand {
        @Option(names = "--jti", required = true, paramLabel = "ID", description = "The license's id (its jti, as 'issuer licenses' lists it).")
        String jti;

        @Override
        Map<String, Object> op() {
            return IssuerCommand.op("revoke", "jti", jti);
        }
    }

    @Command(name = "suspend", mixinStandardHelpOptions = true, description = "Suspend every license of a licensee (until resume).")
    static final class Suspend extends AdminCommand {
        @Option(names = "--licensee", required = true, paramLabel = "ID", description = "The licensee whose licenses are suspended.")
        String licensee;

        @Option(names = "--reason", defaultValue = "suspended", paramLabel = "WHY", description = "suspended (default) or payment-overdue.")
        String reason;

        @Override
        Map<String, Object> op() {
            return IssuerCommand.op("suspend", "licensee", licensee, "reason", reason);
        }
    }

    /** Exactly one of a licensee or everyone. */
    static final class Whom {
        @Option(names = "--licensee", required = true, paramLabel = "ID", description = "The licensee concerned (or --all).")
        String licensee;

        @Option(names = "--all", required = true, description = "Every license of the collective.")
        boolean all;
    }

    @Command(name = "strike", mixinStandardHelpOptions = true,
            description = "The data strike: suspend access for every member site at once, for one licensee or everyone, through the status lists.")
    static final class Strike extends AdminCommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Whom whom;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the public notice (SPEC.md §18).")
        String reason;

        @Option(names = "--usage", paramLabel = "USAGE", description = "One usage only (ai-train, ai-input, ai-index or search): the "
                + "licenses' other usages keep working (SPEC.md [STS-9]).")
        String usage;

        @Override
        Map<String, Object> op() {
            return whom.all ? IssuerCommand.op("strike", "all", true, "reason", reason, "usage", usage)
                    : IssuerCommand.op("strike", "licensee", whom.licensee, "reason", reason, "usage", usage);
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "End a strike or suspension.")
    static final class Resume extends AdminCommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Whom whom;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the public notice when a strike ends.")
        String reason;

        @Option(names = "--usage", paramLabel = "USAGE", description = "One usage only (ai-train, ai-input, ai-index or search): the "
                + "licenses' other usages keep working (SPEC.md [STS-9]).")
        String usage;

        @Override
        Map<String, Object> op() {
            return whom.all ? IssuerCommand.op("resume", "all", true, "reason", reason, "usage", usage)
                    : IssuerCommand.op("resume", "licensee", whom.licensee, "reason", reason, "usage", usage);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "The collective at a glance: members, licensees, strikes.")
    static final class Status extends AdminCommand {
        @Override
        Map<String, Object> op() {
            return IssuerCommand.op("status");
        }
    }

    @Command(name = "audit", mixinStandardHelpOptions = true, description = "The last changes, oldest first.")
    static final class Audit extends AdminCommand {
        @Option(names = "--last", defaultValue = "50", paramLabel = "N", description = "How many changes to show (default ${DEFAULT-VALUE}).")
        int last;

        @Override
        Map<String, Object> op() {
            return IssuerCommand.op("audit", "last", last);
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Copy the configured store (stopped) into an empty PostgreSQL database, e.g. --to postgresql://cb4i@db.example:5432/cb4i; "
                    + "then set store: to that URL in the configuration. The source is read, not changed (its schema is brought up to date first).")
    static final class Migrate implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        IssuerCommand.Target target;

        @Option(names = "--to", required = true, paramLabel = "URL", description = "The target database: postgresql://user[:password]@host:port/database "
                + "(the password may come from PGPASSWORD instead).")
        String to;

        @Override
        public Integer call() throws Exception {
            java.io.PrintWriter out = spec.commandLine().getOut();
            var cfg = target.config();
            org.cb4i.issuer.store.StoreLocation dest;
            try {
                dest = org.cb4i.issuer.store.StoreLocation.parse(to, Path.of(""));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--to: " + e.getMessage());
            }
            if (!(dest instanceof org.cb4i.issuer.store.StoreLocation.Postgres)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--to: expected a database URL, postgresql://…; found \"" + to + "\"");
            }
            Map<String, Long> rows = org.cb4i.issuer.store.StoreCopy.copy(cfg.store(), dest);
            long total = rows.values().stream().mapToLong(Long::longValue).sum();
            out.println("copied " + cfg.store() + " into " + dest + ": " + total + " rows");
            rows.forEach((t, n) -> {
                if (n > 0) {
                    out.printf("  %-16s %,d%n", t, n);
                }
            });
            out.println("Next: set store: " + dest + " in " + (target.configFile == null ? "the issuer's configuration" : target.configFile)
                    + " (with the password, or PGPASSWORD in the issuer's environment), and keep " + cfg.adminToken().getFileName() + " and "
                    + "collector/ beside the configuration.");
            return 0;
        }
    }
}
