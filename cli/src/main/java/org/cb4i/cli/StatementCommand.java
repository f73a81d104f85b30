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

        @Option(names = "--online", description = "Fetch every entry the invoice counted from the issuer (it answers only you: the request is "
                + "signed with --key) and check each: in the invoice's entries root, made with your key, and with --dataset a receipt you hold.")
        boolean online;

        @Option(names = "--issuer", paramLabel = "URL", description = "With --online: the collective's issuer (its public URL).")
        java.net.URI issuer;

        @Option(names = "--key", paramLabel = "FILE", description = "With --online: your private key (the one your licenses are bound to).")
        Path key;

        @Option(names = "--fetch-from-private-addresses", description = "With --online: allow plain http and private addresses (testing on loopback).")
        boolean privateFetch;

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
                    : Optional.of(sink -> {
                        // [LOG-6]: the logs this proxy retired are kept under log.dir/retired/ and still hold their entries.
                        for (Path retired : org.cb4i.proxy.receipts.LogRetirement.retiredDirs(log)) {
                            org.cb4i.proxy.receipts.EntryFile.forEach(retired, (i, entry) -> sink.accept(entry));
                        }
                        org.cb4i.proxy.receipts.EntryFile.forEach(log, (i, entry) -> sink.accept(entry));
                    });
            Optional<StatementCheck.Online> fetched = Optional.empty();
            if (online) {
                if (issuer == null || key == null) {
                    throw new IllegalArgumentException("--online needs --issuer URL and --key FILE (the key your licenses are bound to)");
                }
                fetched = Optional.of(fetchBilled(text.strip()));
            } else if (issuer != null || key != null) {
                throw new IllegalArgumentException("--issuer and --key go with --online");
            }
            StatementCheck.Result r = StatementCheck.check(text, TrustStore.read(trust), Optional.ofNullable(dataset), memberLog, fetched);
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

        /** [SET-12]: every entry the invoice counted, page by page, each request signed with the licensee's key. */
        private StatementCheck.Online fetchBilled(String compact) throws java.io.IOException {
            org.cb4i.sdk.key.SigningKey k = org.cb4i.sdk.key.KeyFiles.readSigningKey(key);
            String number = org.cb4i.sdk.jose.CompactJws.readUnchecked(compact, org.cb4i.sdk.settlement.Statement.MAX_CHARS, "statement").payload()
                    .path("number").asText();
            org.cb4i.sdk.fetch.FetchPolicy p = org.cb4i.sdk.fetch.FetchPolicy.strict().withMaxBytes(64 << 20)
                    .namingSettings("--fetch-from-private-addresses", "--fetch-from-private-addresses");
            p = privateFetch ? p.allowPlainHttp().allowPrivateAddresses() : p;
            org.cb4i.sdk.fetch.BoundedFetcher fetcher = new org.cb4i.sdk.fetch.BoundedFetcher(p);
            String base = issuer.toString().replaceAll("/+$", "") + "/statements/" + java.net.URLEncoder.encode(number, StandardCharsets.UTF_8) + "/entries";
            java.util.List<StatementCheck.BilledEntry> all = new java.util.ArrayList<>();
            long count = Long.MAX_VALUE;
            for (long start = 0; start < count; start += 10_000) {
                java.net.URI url = java.net.URI.create(base + "?start=" + start + "&end=" + (start + 10_000));
                org.cb4i.sdk.httpsig.SignatureHeaders sig = new org.cb4i.sdk.httpsig.WebBotAuthSigner(k, java.time.Clock.systemUTC())
                        .sign(org.cb4i.sdk.httpsig.SignedRequest.of("GET", url), org.cb4i.sdk.httpsig.SignaturePolicy.PER_REQUEST);
                com.fasterxml.jackson.databind.JsonNode page = Json.readObject(fetcher.get(url, "application/json", Map.of("Signature-Input",
                        sig.signatureInput(), "Signature", sig.signature())).body(), url.toString(), org.cb4i.sdk.Reason.MALFORMED_JSON);
                count = page.path("count").asLong();
                for (com.fasterxml.jackson.databind.JsonNode e : page.path("entries")) {
                    java.util.List<byte[]> proof = new java.util.ArrayList<>();
                    e.path("inclusion_proof").forEach(h -> proof.add(java.util.HexFormat.of().parseHex(h.asText())));
                    all.add(new StatementCheck.BilledEntry(e.path("position").asLong(), e.path("log_id").asText(), e.path("index").asLong(),
                            e.path("leaf").asText(), Optional.ofNullable(e.path("rid").textValue()), Optional.ofNullable(e.path("jkt").textValue()), proof));
                }
                if (page.path("entries").isEmpty()) {
                    break;
                }
            }
            return new StatementCheck.Online(all, k.thumbprint());
        }
    }
}
