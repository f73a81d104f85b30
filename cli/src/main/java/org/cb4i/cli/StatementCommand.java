package org.cb4i.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.cb4i.sdk.json.Json;
import org.cb4i.verifier.statement.StatementCheck;
import org.cb4i.verifier.trust.TrustStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cb4i statement check}: a settlement statement checked by whoever received it (SPEC.md [SET-11]). */
@Command(name = "statement", mixinStandardHelpOptions = true, description = "Settlement statements: check one you received.",
        subcommands = {StatementCommand.Check.class})
final class StatementCommand {
    @Command(name = "check", mixinStandardHelpOptions = true, description = "Check a statement's signature and sums, an invoice against your "
            + "crawl's receipts (--dataset), a payout against your proxy's log (--log). Exit 0: it holds; 1: it does not; 2: bad input.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "STATEMENT", description = "The statement: a .jwt file as the collective sent it.")
        Path statement;

        @Option(names = "--trust", required = true, paramLabel = "FILE", description = "The trust store naming the collective's keys (cb4i trust add).")
        Path trust;

        @Option(names = "--dataset", paramLabel = "DIR", description = "Your crawl (its manifest.jsonl): match the invoice's lines against the "
                + "receipts you hold.")
        Path dataset;

        @Option(names = "--log", paramLabel = "DIR", description = "Your proxy's receipts log folder (its log.dir): match a payout statement, "
                + "or an invoice's lines of your content, against the entries your proxy recorded.")
        Path log;

        @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", description = "text (default) or json.")
        String format;

        @Override
        public Integer call() throws Exception {
            if (!format.equals("text") && !format.equals("json")) {
                throw new IllegalArgumentException("--format: expected text or json; found \"" + format + "\"");
            }
            if (dataset != null && !Files.isRegularFile(dataset.resolve("manifest.jsonl"))) {
                throw new java.nio.file.NoSuchFileException(dataset.resolve("manifest.jsonl").toString(), null, "no manifest (a dataset folder holds manifest.jsonl)");
            }
            String text = Files.readString(statement, StandardCharsets.US_ASCII);
            if (log != null && !Files.isRegularFile(log.resolve("entries.log"))) {
                throw new java.nio.file.NoSuchFileException(log.resolve("entries.log").toString(), null, "no receipts log (a proxy's log.dir holds entries.log)");
            }
            Optional<StatementCheck.MemberLog> memberLog = log == null ? Optional.empty()
                    : Optional.of(sink -> org.cb4i.proxy.receipts.EntryFile.forEach(log, (i, entry) -> sink.accept(entry)));
            StatementCheck.Result r = StatementCheck.check(text, TrustStore.read(trust), Optional.ofNullable(dataset), memberLog);
            PrintWriter out = spec.commandLine().getOut();
            if (format.equals("json")) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("statement", statement.toString());
                m.put("ok", r.ok());
                r.statement().ifPresent(s -> m.put("claims", s.claims()));
                m.put("findings", r.findings().stream().map(f -> Map.of("problem", f.problem(), "message", f.message())).toList());
                out.println(Json.writePretty(m));
            } else {
                out.println(statement + ": " + (r.ok() ? "HOLDS" : "DOES NOT HOLD"));
                r.findings().forEach(f -> out.println((f.problem() ? "  PROBLEM  " : "  ok       ") + f.message()));
            }
            out.flush();
            return r.ok() ? ExitCodes.OK : ExitCodes.REFUSED;
        }
    }
}
