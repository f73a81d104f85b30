package org.cb4i.conformance.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.cb4i.conformance.blackbox.Testbed;

/**
 * The black-box suite of a dataset verifier (SPEC.md §14): every case of {@code vectors/verification.json} laid out as
 * a dataset on disk — {@code manifest.jsonl} (its header line and its record, which names its response in
 * {@code data.warc}), {@code data.warc} (WARC/1.1, the stored page as an HTTP response) and {@code trust.json} — then
 * given to the verifier under test, whose JSON report must give the record the case's status and every finding it
 * names. The verifier is any program: a command line with {@code {dataset}}, {@code {trust}} and {@code {usage}} in it,
 * which prints a JSON report {@code {"records": [{"status", "reasons": [{"code"}]}]}} ({@code findings} is read as
 * well as {@code reasons}).
 */
public final class VerifierSuite {
    private VerifierSuite() {}

    /** A verifier under test: judges the dataset laid out in a folder and answers its JSON report. */
    @FunctionalInterface
    public interface Verifier {
        String verify(Path dataset, Path trust, String usage) throws Exception;
    }

    /** One case of the corpus. */
    public record Case(int id, String comment, List<String> requirements, JsonNode test) {
        public String title() {
            return String.join(" ", requirements.stream().map(r -> "[" + r + "]").toList()) + " verification #" + id + " " + comment;
        }
    }

    /** What the verifier made of one case; {@code failure} is empty when it gave the verdict due. */
    public record Result(Case c, String failure) {
        public boolean passed() {
            return failure.isEmpty();
        }
    }

    /** The corpus this jar ships with the spec. */
    public static List<Case> corpus() throws IOException {
        JsonNode file;
        try (InputStream in = VerifierSuite.class.getResourceAsStream("/org/cb4i/spec/vectors/verification.json")) {
            file = Testbed.JSON.readTree(in);
        }
        List<Case> out = new ArrayList<>();
        for (JsonNode g : file.path("testGroups")) {
            for (JsonNode t : g.path("tests")) {
                List<String> reqs = new ArrayList<>();
                t.path("requirements").forEach(r -> reqs.add(r.asText()));
                out.add(new Case(t.path("tcId").asInt(), t.path("comment").asText(), reqs, t));
            }
        }
        return out;
    }

    /** Writes a case as a dataset in {@code dir}: manifest.jsonl, data.warc and trust.json. */
    public static void layOut(Case c, Path dir) throws IOException {
        Files.createDirectories(dir);
        JsonNode t = c.test();
        byte[] page = t.path("content").asText().getBytes(StandardCharsets.UTF_8);
        String id = "urn:uuid:" + UUID.nameUUIDFromBytes(("cb4i verification " + c.id()).getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream http = new ByteArrayOutputStream();
        http.writeBytes(("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " + page.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        http.writeBytes(page);
        ByteArrayOutputStream warc = new ByteArrayOutputStream();
        warc.writeBytes(("WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <" + id + ">\r\nWARC-Target-URI: " + t.path("record").path("url").asText()
                + "\r\nWARC-Date: 2026-05-28T20:26:40Z\r\nContent-Type: application/http;msgtype=response\r\nContent-Length: " + http.size()
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        warc.writeBytes(http.toByteArray());
        warc.writeBytes("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("data.warc"), warc.toByteArray());
        ObjectNode record = t.path("record").deepCopy();
        record.putObject("warc").put("file", "data.warc").put("offset", 0).put("length", warc.size()).put("record_id", id);
        Files.writeString(dir.resolve("manifest.jsonl"), Testbed.JSON.writeValueAsString(t.path("header")) + "\n"
                + Testbed.JSON.writeValueAsString(record) + "\n");
        Files.writeString(dir.resolve("trust.json"), Testbed.JSON.writeValueAsString(t.path("trust")));
    }

    /** Runs every case through {@code verifier}, each in a folder of its own under {@code work}. */
    public static List<Result> run(List<Case> cases, Verifier verifier, Path work, Consumer<Result> progress) {
        List<Result> out = new ArrayList<>();
        for (Case c : cases) {
            String failure;
            try {
                Path dir = work.resolve("case-" + c.id());
                layOut(c, dir);
                failure = judge(c, verifier.verify(dir, dir.resolve("trust.json"), c.test().path("usage").asText()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = "interrupted";
            } catch (Exception e) {
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            Result r = new Result(c, failure);
            progress.accept(r);
            out.add(r);
        }
        return out;
    }

    /** Why the report does not give the verdict due; empty when it does. */
    static String judge(Case c, String report) throws IOException {
        JsonNode json;
        try {
            json = Testbed.JSON.readTree(report);
        } catch (IOException e) {
            return "the report is not JSON: " + abbreviate(report);
        }
        JsonNode records = json.path("records");
        if (!records.isArray() || records.size() != 1) {
            return "the report should judge one record; it has " + (records.isArray() ? records.size() : "no records array");
        }
        JsonNode r = records.get(0);
        Set<String> codes = new HashSet<>();
        for (String member : List.of("reasons", "findings")) {
            r.path(member).forEach(f -> codes.add(f.path("code").asText()));
        }
        String want = c.test().path("status").asText();
        if (!want.equals(r.path("status").asText())) {
            return "status " + r.path("status").asText() + ", due " + want + " (reasons " + codes + ")";
        }
        List<String> missing = new ArrayList<>();
        c.test().path("findings").forEach(f -> {
            if (!codes.contains(f.asText())) {
                missing.add(f.asText());
            }
        });
        return missing.isEmpty() ? "" : "the reasons " + codes + " lack " + missing;
    }

    /**
     * A verifier that is a command line: {@code {dataset}}, {@code {trust}} and {@code {usage}} replaced in its words
     * (split at spaces), its standard output the report. Exit 0 or 1 is a judgement; anything else is a failure.
     */
    public static Verifier command(String commandLine) {
        return (dataset, trust, usage) -> {
            List<String> words = new ArrayList<>();
            for (String w : commandLine.trim().split("\\s+")) {
                words.add(w.replace("{dataset}", dataset.toString()).replace("{trust}", trust.toString()).replace("{usage}", usage));
            }
            Path out = Files.createTempFile("cb4i-verifier", ".json");
            Path err = Files.createTempFile("cb4i-verifier", ".err");
            try {
                Process p = new ProcessBuilder(words).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("the verifier did not finish within 120 s");
                }
                if (p.exitValue() != 0 && p.exitValue() != 1) {
                    throw new IOException("the verifier exited " + p.exitValue() + ": " + abbreviate(Files.readString(err)));
                }
                return Files.readString(out);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        };
    }

    static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    /** The report, as for proxies and issuers: each requirement PASS or FAIL with the cases that failed and why, then the totals. */
    public static String report(String target, List<Result> results) {
        java.util.Map<String, List<Result>> byRequirement = new java.util.TreeMap<>();
        results.forEach(r -> r.c().requirements().forEach(q -> byRequirement.computeIfAbsent(q, k -> new ArrayList<>()).add(r)));
        StringBuilder b = new StringBuilder("cb4i verifier conformance: " + target + "\n\n");
        byRequirement.forEach((q, rs) -> {
            List<Result> failed = rs.stream().filter(r -> !r.passed()).toList();
            b.append(String.format("%-8s %s (%d cases)%n", q, failed.isEmpty() ? "PASS" : "FAIL", rs.size()));
            failed.forEach(r -> b.append("           #").append(r.c().id()).append(' ').append(r.c().comment()).append(": ").append(r.failure())
                    .append('\n'));
        });
        long passed = results.stream().filter(Result::passed).count();
        return b.append("\nCases: ").append(passed).append(" passed, ").append(results.size() - passed).append(" failed\n").toString();
    }
}
