package org.cb4i.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.decision.DecisionRequest;
import org.cb4i.sdk.decision.Tally;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code cb4i proposal}: a member proposes a strike (or its end) and votes, signing with its own content key (SPEC.md
 * §17); the issuer counts one vote per member and executes what passes through the status lists.
 */
@Command(name = "proposal", mixinStandardHelpOptions = true,
        description = "The collective's decisions: propose a strike or its end, vote, and see where proposals stand (as a member, with its key).",
        subcommands = {ProposalCommand.Open.class, ProposalCommand.Vote.class, ProposalCommand.ListCmd.class})
final class ProposalCommand {
    private ProposalCommand() {}

    /** What a proposal says ([DEC-1]), as a member or an operator opens it. */
    static final class Options {
        @Option(names = "--action", required = true, paramLabel = "strike|resume", description = "Strike, or end a strike.")
        String action;

        @Option(names = "--licensee", paramLabel = "ID", description = "The licensee concerned (default: every licensee).")
        String licensee;

        @Option(names = "--usage", paramLabel = "USAGE", description = "One usage only (ai-train, ai-input, ai-index or search): the licenses' "
                + "other usages keep working (default: every usage).")
        String usage;

        @Option(names = "--effective", paramLabel = "DATE", description = "When it takes effect once passed (default: as soon as it passes).")
        String effective;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why: the members read it before they vote.")
        String reason;

        /** @throws IllegalArgumentException naming the option at fault */
        DecisionRequest.Proposal read() {
            Long eff = IssuerCommand.seconds("--effective", effective);
            try {
                Optional<org.cb4i.sdk.terms.Usage> u = Optional.ofNullable(usage).map(t -> org.cb4i.sdk.terms.Usage.parse(t).orElseThrow(() ->
                        new IllegalArgumentException("--usage: one of ai-train, ai-input, ai-index or search; found \"" + t + "\"")));
                return new DecisionRequest.Proposal(action, Optional.ofNullable(licensee), u, Optional.ofNullable(eff).map(Instant::ofEpochSecond), reason);
            } catch (Cb4iException e) {
                throw new IllegalArgumentException(e.getMessage().replace("propose.action", "--action").replace("propose.reason", "--reason")
                        .replace("propose.scope.usage", "--usage"));
            }
        }
    }

    @Command(name = "open", mixinStandardHelpOptions = true, description = "Open a proposal; every current member may vote on it until its deadline.")
    static final class Open implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConsentCommand.Member m;

        @Mixin
        Options proposal;

        @Override
        public Integer call() throws Exception {
            DecisionRequest.Proposal p;
            try {
                p = proposal.read();
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("cb4i: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
            SigningKey k = KeyFiles.readSigningKey(m.key);
            return post(spec, m, DecisionRequest.propose(k, m.origin, Clock.systemUTC().instant(), UUID.randomUUID().toString(), p));
        }
    }

    @Command(name = "vote", mixinStandardHelpOptions = true, description = "Cast the member's one vote on a proposal: yes, no or abstain.")
    static final class Vote implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConsentCommand.Member m;

        @Parameters(index = "0", paramLabel = "PROPOSAL", description = "The proposal's id (P1, P2, …; cb4i proposal list).")
        String proposal;

        @Parameters(index = "1", paramLabel = "yes|no|abstain", description = "The vote.")
        String vote;

        @Override
        public Integer call() throws Exception {
            Optional<Tally.Vote> v = Tally.Vote.parse(vote);
            if (v.isEmpty()) {
                spec.commandLine().getErr().println("cb4i: the vote must be yes, no or abstain; found \"" + vote + "\"");
                return ExitCodes.BAD_INPUT;
            }
            SigningKey k = KeyFiles.readSigningKey(m.key);
            return post(spec, m, DecisionRequest.vote(k, m.origin, Clock.systemUTC().instant(), UUID.randomUUID().toString(), proposal, v.get()));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The collective's proposals, newest first, with their tallies and your vote.")
    static final class ListCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConsentCommand.Member m;

        @Override
        public Integer call() throws Exception {
            SigningKey k = KeyFiles.readSigningKey(m.key);
            URI url = URI.create(m.issuer.toString().replaceAll("/+$", "") + "/proposals");
            SignatureHeaders sig = new WebBotAuthSigner(k, Clock.systemUTC()).sign(SignedRequest.of("GET", url), SignaturePolicy.PER_REQUEST);
            HttpResponse<String> r = IssuerRequests.send(HttpRequest.newBuilder(url).header("Signature-Input", sig.signatureInput()).header("Signature", sig.signature())
                    .GET());
            if (r.statusCode() != 200) {
                return IssuerRequests.refused(spec, r);
            }
            JsonNode ps = Json.mapper().readTree(r.body()).path("proposals");
            PrintWriter out = spec.commandLine().getOut();
            if (m.json) {
                out.println(Json.writePretty(ps));
            } else if (ps.isEmpty()) {
                out.println("no proposals yet (cb4i proposal open)");
            } else {
                ps.forEach(p -> print(out, p));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    private static int post(CommandSpec spec, ConsentCommand.Member m, String request) throws IOException, InterruptedException {
        URI url = URI.create(m.issuer.toString().replaceAll("/+$", "") + "/decisions");
        HttpResponse<String> r = IssuerRequests.send(HttpRequest.newBuilder(url).header("Content-Type", "application/" + DecisionRequest.TYP)
                .POST(HttpRequest.BodyPublishers.ofString(request)));
        if (r.statusCode() != 200) {
            return IssuerRequests.refused(spec, r);
        }
        PrintWriter out = spec.commandLine().getOut();
        JsonNode p = Json.mapper().readTree(r.body());
        if (m.json) {
            out.println(Json.writePretty(p));
        } else {
            print(out, p);
        }
        out.flush();
        return ExitCodes.OK;
    }

    static void print(PrintWriter out, JsonNode p) {
        String scope = p.path("scope").has("licensee") ? "licensee " + p.path("scope").path("licensee").asText() : "every licensee";
        out.println(p.path("id").asText() + "  " + p.path("action").asText() + " " + scope + "  " + p.path("state").asText().toUpperCase(java.util.Locale.ROOT)
                + "  yes " + p.path("yes").asInt() + ", no " + p.path("no").asInt() + ", abstain " + p.path("abstain").asInt() + ", not voted "
                + p.path("remaining").asInt() + " of " + p.path("electorate").asInt() + " (quorum " + p.path("quorum").asInt() + "%, majority "
                + p.path("majority").asInt() + "%)" + (p.has("your_vote") ? "  your vote: " + p.path("your_vote").asText() : ""));
        out.println("    " + p.path("reason").asText() + "  — opened by " + p.path("opened_by").asText() + ", vote until "
                + Instant.ofEpochSecond(p.path("deadline").asLong()));
    }

}
