package org.cb4i.valuation.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.text.CanonicalText;
import org.cb4i.valuation.ngram.NgramUtility;
import org.cb4i.verifier.DatasetVerifier;
import org.cb4i.verifier.Status;
import org.cb4i.verifier.VerifiedContent;
import org.cb4i.verifier.trust.TrustStore;

/**
 * A verified dataset's texts, grouped: only records the verifier marks {@code VERIFIED} for the usage are read
 * (the others are counted by status and left out); an HTML page contributes its canonical text, a {@code text/*}
 * record its {@link Paragraphs}, anything else is left out (as is a verified record the dataset holds no content for). Each text goes to its group's training texts in the
 * {@link NgramUtility.Builder} as the records come, in manifest order, so groups are numbered by first appearance.
 * Paragraphs of at least {@link #LEAK_MIN_CHARS} characters that are also in an evaluation text are reported as leaks.
 */
public final class TrainingGroups {
    /** The shortest paragraph compared for leakage: shorter ones ("Contact us") are shared by unrelated texts. */
    public static final int LEAK_MIN_CHARS = 50;
    /** Leaks listed (the rest counted). */
    public static final int MAX_LEAKS = 100;

    /** What a group is. */
    public enum By {
        /** The member entry of the licensing collective's repertoire that held the publisher at fetch time. */
        MEMBER("member"),
        /** The origin the record was fetched from. */
        PUBLISHER("publisher");

        private final String token;

        By(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }

        public static By of(String token) {
            for (By b : values()) {
                if (b.token.equals(token.toLowerCase(Locale.ROOT))) {
                    return b;
                }
            }
            throw new IllegalArgumentException("--by: expected member or publisher; found \"" + token + "\"");
        }
    }

    /** A group: its id (an origin), records and training bytes. */
    public record Group(String id, long records, long bytes) {}

    /** An evaluation paragraph found in a training record: its value is inflated (the model has seen the answer). */
    public record Leak(long recordId, String url, String group, Path evaluationFile, String paragraph) {}

    /**
     * What was read.
     *
     * @param groups by number, as the builder has them
     * @param notVerified records left out, by status
     * @param notText verified records whose content type is not HTML or text, by content type
     * @param noMember verified records whose publisher no licensing collective's repertoire held at fetch time (by member only)
     * @param leaks the first {@link #MAX_LEAKS} leaks
     * @param leakCount every leak
     */
    public record Result(List<Group> groups, Map<Status, Long> notVerified, Map<String, Long> notText, long noMember, List<Leak> leaks,
            long leakCount, DatasetVerifier.Summary verification) {
        public Result {
            groups = List.copyOf(groups);
            notVerified = Map.copyOf(notVerified);
            notText = Map.copyOf(notText);
            leaks = List.copyOf(leaks);
        }
    }

    private TrainingGroups() {}

    /**
     * Verifies the dataset and feeds the groups' texts to {@code builder} (whose evaluation texts must already be in).
     *
     * @throws IllegalArgumentException when no record verifies, or a group has verified records but no text
     */
    public static Result read(Path manifest, TrustStore trust, Usage usage, By by, EvaluationSet eval, NgramUtility.Builder builder, int threads)
            throws IOException, InterruptedException {
        Map<String, Path> evalParagraphs = new HashMap<>();
        for (EvaluationSet.Text t : eval.texts()) {
            for (String p : t.paragraphs()) {
                if (p.length() >= LEAK_MIN_CHARS) {
                    evalParagraphs.putIfAbsent(p, t.path());
                }
            }
        }
        Map<String, Integer> number = new LinkedHashMap<>();
        List<long[]> sizes = new ArrayList<>(); // records, bytes
        Map<Status, Long> notVerified = new TreeMap<>();
        Map<String, Long> notText = new TreeMap<>();
        long[] noMember = {0};
        List<Leak> leaks = new ArrayList<>();
        long[] leakCount = {0};
        DatasetVerifier.Summary summary = new DatasetVerifier(trust, usage, threads).verify(manifest, r -> {
            if (r.status() != Status.VERIFIED) {
                notVerified.merge(r.status(), 1L, Long::sum);
            }
        }, v -> {
            if (v.payload().isEmpty()) {
                notText.merge("(no stored content)", 1L, Long::sum); // a manifest shipped without its WARC files
                return;
            }
            Optional<List<String>> paragraphs = paragraphs(v);
            if (paragraphs.isEmpty()) {
                notText.merge(v.contentType().isEmpty() ? "(none)" : v.contentType(), 1L, Long::sum);
                return;
            }
            Optional<String> group = by == By.PUBLISHER ? Optional.of(v.result().publisher()) : v.member();
            if (group.isEmpty()) {
                noMember[0]++;
                return;
            }
            int g = number.computeIfAbsent(group.get(), k -> {
                sizes.add(new long[2]);
                return number.size();
            });
            byte[] text = String.join("\n", paragraphs.get()).getBytes(StandardCharsets.UTF_8);
            sizes.get(g)[0]++;
            sizes.get(g)[1] += text.length;
            builder.training(g, text);
            for (String p : paragraphs.get()) {
                Path in = p.length() >= LEAK_MIN_CHARS ? evalParagraphs.get(p) : null;
                if (in != null) {
                    leakCount[0]++;
                    if (leaks.size() < MAX_LEAKS) {
                        leaks.add(new Leak(v.result().id(), v.result().url(), group.get(), in, p));
                    }
                }
            }
        });
        if (number.isEmpty()) {
            throw new IllegalArgumentException(manifest + ": no record has verified text to value for " + usage.token() + " (" + summary.records()
                    + " records; " + describe(notVerified, notText, noMember[0], by) + ")");
        }
        List<Group> groups = new ArrayList<>();
        number.forEach((id, g) -> groups.add(new Group(id, sizes.get(g)[0], sizes.get(g)[1])));
        for (Group g : groups) {
            if (g.bytes() == 0) {
                throw new IllegalArgumentException(by.token() + " " + g.id() + " has " + g.records() + " verified record" + (g.records() == 1 ? "" : "s")
                        + " but no text: there is nothing to value it by");
            }
        }
        return new Result(groups, notVerified, notText, noMember[0], leaks, leakCount[0], summary);
    }

    /** What was left out, in words. */
    public static String describe(Map<Status, Long> notVerified, Map<String, Long> notText, long noMember, By by) {
        List<String> parts = new ArrayList<>();
        notVerified.forEach((s, n) -> parts.add(n + " " + s));
        if (!notText.isEmpty()) {
            parts.add(notText.values().stream().mapToLong(Long::longValue).sum() + " verified but not text (" + notText + ")");
        }
        if (noMember > 0) {
            parts.add(noMember + " verified but from a publisher no licensing collective's repertoire held at fetch time");
        }
        return parts.isEmpty() ? "none left out" : String.join(", ", parts);
    }

    /** The record's text as paragraphs, or empty when its content is not text. */
    private static Optional<List<String>> paragraphs(VerifiedContent v) {
        String type = v.contentType().toLowerCase(Locale.ROOT);
        String text = new String(v.payload().orElseThrow(), StandardCharsets.UTF_8);
        if (type.startsWith("text/html") || type.startsWith("application/xhtml+xml")) {
            try {
                return Optional.of(CanonicalText.of(text).paragraphs());
            } catch (Cb4iException e) {
                return Optional.empty();
            }
        }
        return type.startsWith("text/") ? Optional.of(Paragraphs.of(text)) : Optional.empty();
    }
}
