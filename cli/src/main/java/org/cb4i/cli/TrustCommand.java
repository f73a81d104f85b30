package org.cb4i.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.cb4i.sdk.fetch.FetchPolicy;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.VerificationKey;
import org.cb4i.verifier.trust.TrustStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cb4i trust}: the verifier's trust store (SPEC.md [TRS-1]). */
@Command(name = "trust", mixinStandardHelpOptions = true, description = "Manage a trust store: the collectives, publishers and receipts logs a verifier trusts.",
        subcommands = {TrustCommand.Add.class, TrustCommand.ListCmd.class})
final class TrustCommand {

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Trust a collective, a publisher or a receipts log, with its keys.")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--trust", required = true, paramLabel = "FILE", description = "The trust store (created when absent).")
        Path trust;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Who who;

        static final class Who {
            @Option(names = "--collective", required = true, paramLabel = "ID", description = "A collective's id (the iss of its licenses).")
            String collective;

            @Option(names = "--publisher", required = true, paramLabel = "ORIGIN", description = "A publisher's origin.")
            String publisher;

            @Option(names = "--log", required = true, paramLabel = "LOG_ID", description = "A receipts log's id.")
            String log;
        }

        @Option(names = "--keys", required = true, paramLabel = "FILE|URL", description = "Its public keys: a JWK or JWKS file, or an https URL "
                + "(fetched now; the keys are stored in the trust store).")
        String keys;

        @Option(names = "--origin", paramLabel = "URL", description = "With --log: the site whose log it is.")
        String origin;

        @Option(names = "--from", paramLabel = "DATE", description = "Trusted from (default: always).")
        String from;

        @Option(names = "--until", paramLabel = "DATE", description = "Trusted until (default: always).")
        String until;

        @Option(names = "--allow-http", description = "Allow fetching --keys over plain http or from a private address (testing).")
        boolean allowHttp;

        @Override
        public Integer call() throws Exception {
            KeySet ks = Sources.keySet(keys, allowHttp ? Sources.USER_GIVEN : FetchPolicy.strict());
            TrustStore store = Files.exists(trust) ? TrustStore.read(trust) : TrustStore.empty();
            Optional<Instant> f = Optional.ofNullable(IssuerCommand.seconds("--from", from)).map(Instant::ofEpochSecond);
            Optional<Instant> u = Optional.ofNullable(IssuerCommand.seconds("--until", until)).map(Instant::ofEpochSecond);
            String kind;
            String name;
            if (who.collective != null) {
                kind = "collectives";
                name = who.collective;
            } else if (who.publisher != null) {
                kind = "publishers";
                name = org.cb4i.sdk.token.PathScope.normaliseOrigin(who.publisher);
            } else {
                kind = "logs";
                name = who.log;
            }
            store.with(kind, new TrustStore.Entry(name, Optional.ofNullable(origin), ks, f, u)).write(trust);
            spec.commandLine().getOut().println("trusted " + kind.substring(0, kind.length() - 1) + " " + name + " with keys "
                    + String.join(", ", ks.keys().stream().map(VerificationKey::thumbprint).toList()) + " (" + trust + ")");
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List what a trust store trusts.")
    static final class ListCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--trust", required = true, paramLabel = "FILE", description = "The trust store to list (JSON, SPEC [TRS-1]).")
        Path trust;

        @Override
        public Integer call() throws Exception {
            TrustStore s = TrustStore.read(trust);
            PrintWriter w = spec.commandLine().getOut();
            print(w, "collective", s.collectives());
            print(w, "publisher", s.publishers());
            print(w, "log", s.logs());
            w.flush();
            return ExitCodes.OK;
        }

        private static void print(PrintWriter w, String kind, java.util.List<TrustStore.Entry> es) {
            for (TrustStore.Entry e : es) {
                w.printf("%-10s %-50s keys %s%s%s%n", kind, e.name(), String.join(",", e.keys().keys().stream().map(VerificationKey::thumbprint).toList()),
                        e.from().map(x -> " from " + x).orElse(""), e.until().map(x -> " until " + x).orElse(""));
            }
        }
    }
}
