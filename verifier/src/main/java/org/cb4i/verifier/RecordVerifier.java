package org.cb4i.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.credential.CredentialClaims;
import org.cb4i.sdk.internal.Json;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.MerkleProofs;
import org.cb4i.sdk.log.MerkleTree;
import org.cb4i.sdk.repertoire.Repertoire;
import org.cb4i.sdk.status.StatusListToken;
import org.cb4i.sdk.status.StatusValue;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.text.CanonicalText;
import org.cb4i.sdk.text.ParagraphMatch;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.PathScope;

/**
 * Judges one manifest record (SPEC.md §14): a pure function of the record, its stored content (if any), the
 * manifest's verified evidence and the declared usage, so that it can run anywhere — one thread of {@code cb4i verify},
 * or inside a Spark or Beam job per partition (build one {@link ManifestContext} per partition from the header and
 * the trust store, then call {@link #verify} per record).
 */
public final class RecordVerifier {
    private static final Duration SKEW = Duration.ofSeconds(60);

    private final ManifestContext ctx;
    private final Usage usage;

    public RecordVerifier(ManifestContext ctx, Usage usage) {
        this.ctx = ctx;
        this.usage = usage;
    }

    /**
     * @param content the record's payload as stored (from the WARC), or empty when the dataset holds no content
     */
    public RecordResult verify(ObjectNode rec, Optional<byte[]> content) {
        List<Finding> f = new ArrayList<>();
        long id = rec.path("id").asLong();
        String url = rec.path("url").asText("");
        String publisher;
        URI u;
        Instant at;
        try {
            u = URI.create(url);
            publisher = PathScope.normaliseOrigin(u.getScheme() + "://" + u.getRawAuthority());
            if (!rec.path("fetched_at").canConvertToLong() || !rec.path("bytes_sha256").isTextual()) {
                throw new IllegalArgumentException("a record needs fetched_at and bytes_sha256");
            }
            at = Instant.ofEpochSecond(rec.get("fetched_at").asLong());
        } catch (IllegalArgumentException | NullPointerException | java.time.DateTimeException e) {
            f.add(Finding.fail(Status.MALFORMED, "MALFORMED_RECORD", "DST-1", "record " + id + ": " + e.getMessage()));
            return new RecordResult(id, url, Status.MALFORMED, f, "", Optional.empty());
        }
        content(rec, content, f);
        Optional<LicenseClaims> lic = license(rec, u, at, f);
        receipt(rec, url, lic, f);
        credential(rec, publisher, at, lic, f);
        return new RecordResult(id, url, RecordResult.verdict(f), f, publisher, lic.map(LicenseClaims::issuer), Optional.of(at),
                rec.get("bytes_sha256").asText(), Optional.ofNullable(rec.path("license").textValue()));
    }

    /** [VER-1] [VER-2]: the stored content is what was fetched. */
    private static void content(ObjectNode rec, Optional<byte[]> content, List<Finding> f) {
        if (content.isEmpty()) {
            f.add(Finding.note("CONTENT_NOT_CHECKED", "VER-1", "no stored content to check against the record's digests"));
            return;
        }
        String got = sha256(content.get());
        if (!got.equals(rec.get("bytes_sha256").asText())) {
            f.add(Finding.fail(Status.TAMPERED, "BYTES_DIGEST_MISMATCH", "VER-1", "the stored content's SHA-256 is " + got + ", the record says "
                    + rec.get("bytes_sha256").asText()));
            return;
        }
        JsonNode text = rec.get("text");
        if (text != null && rec.path("content_type").asText("").toLowerCase(Locale.ROOT).startsWith("text/html")) {
            try {
                CanonicalText.Result t = CanonicalText.of(new String(content.get(), StandardCharsets.UTF_8));
                if (!t.textSha256().equals(text.path("sha256").asText())) {
                    f.add(Finding.fail(Status.TAMPERED, "TEXT_DIGEST_MISMATCH", "VER-2", "the canonical text of the stored page does not have the digest the record says"));
                }
            } catch (Cb4iException e) {
                f.add(Finding.fail(Status.MALFORMED, e.reason().name(), "VER-2", "the stored page's canonical text cannot be computed: " + e.getMessage()));
            }
        }
    }

    /** [VER-3] [VER-4]: a trusted license, valid at fetch time, for this usage and this URL, not revoked then. */
    private Optional<LicenseClaims> license(ObjectNode rec, URI u, Instant at, List<Finding> f) {
        String jti = rec.path("license").asText(null);
        if (jti == null) {
            f.add(Finding.fail(Status.UNLICENSED, "NO_LICENSE", "VER-3", "the record names no license"));
            return Optional.empty();
        }
        Optional<ManifestContext.License> l = ctx.licenseById(jti);
        if (l.isEmpty()) {
            f.add(Finding.fail(Status.UNLICENSED, "LICENSE_NOT_IN_MANIFEST", "VER-3", "license " + jti + " is not among the manifest's licenses"));
            return Optional.empty();
        }
        l.get().problem().ifPresent(f::add);
        if (l.get().claims().isEmpty() || l.get().problem().isPresent()) {
            return l.get().claims();
        }
        LicenseClaims c = l.get().claims().get();
        if (at.plus(SKEW).isBefore(c.notBefore()) || !at.isBefore(c.expiresAt().plus(SKEW))) {
            f.add(Finding.fail(Status.EXPIRED_AT_FETCH, "TOKEN_EXPIRED", "VER-3", "fetched at " + at + ", outside the license's validity "
                    + c.notBefore() + " to " + c.expiresAt()));
        }
        if (!c.permits(usage)) {
            f.add(Finding.fail(Status.USAGE_NOT_PERMITTED, "USAGE_NOT_LICENSED", "VER-3", "the license grants " + c.usages() + ", not "
                    + usage.token()));
        }
        if (!c.covers(u)) {
            f.add(Finding.fail(Status.UNLICENSED, "PATH_NOT_LICENSED", "VER-3", "the license's paths do not cover " + u));
        }
        c.status().ifPresent(ref -> {
            List<StatusListToken> lists = ctx.statusLists(ref.uri());
            if (lists.isEmpty()) {
                f.add(Finding.note("STATUS_NOT_CHECKED", "VER-4", "the manifest holds no verified status list " + ref.uri()));
                return;
            }
            Optional<StatusListToken> during = lists.stream().filter(s -> !s.issuedAt().isAfter(at)
                    && s.expiresAt().map(e -> e.isAfter(at)).orElse(true)).findFirst();
            if (during.isEmpty()) {
                // Online: the issuer's history says which list was in force at fetch time ([STS-7]).
                Optional<StatusListToken> past = ctx.statusAt(ref.uri(), c.issuer(), at, f);
                if (past.isPresent()) {
                    StatusValue pv = ref.idx() < past.get().list().size() ? past.get().list().status((int) ref.idx()) : StatusValue.INVALID;
                    if (pv == StatusValue.VALID) {
                        f.add(Finding.note("STATUS_AT_FETCH_CONFIRMED", "VER-4", "the issuer's status list in force at " + at + " says VALID"));
                    } else {
                        f.add(Finding.fail(Status.REVOKED_AT_FETCH, pv.reason().name(), "VER-4", "the issuer's status list in force at " + at
                                + " (from its history) says " + pv));
                    }
                    return;
                }
            }
            StatusListToken used = during.orElseGet(() -> lists.stream().min((a, b) -> a.issuedAt().compareTo(b.issuedAt())).orElseThrow());
            StatusValue v = ref.idx() < used.list().size() ? used.list().status((int) ref.idx()) : StatusValue.INVALID;
            if (v == StatusValue.VALID) {
                return;
            }
            if (during.isPresent()) {
                f.add(Finding.fail(Status.REVOKED_AT_FETCH, v.reason().name(), "VER-4", "the status list in force at " + at + " says " + v));
            } else {
                f.add(Finding.note("STATUS_AFTER_FETCH", "VER-4", "the only status list held is from " + used.issuedAt() + " (after the fetch) and says "
                        + v + "; whether it was so at fetch time needs the issuer's history (?time=)"));
            }
        });
        return Optional.of(c);
    }

    /** [VER-5]: the proxy's receipt for this fetch, in a log the trust store trusts, proven by a checkpoint. */
    private void receipt(ObjectNode rec, String url, Optional<LicenseClaims> lic, List<Finding> f) {
        JsonNode r = rec.get("receipt");
        if (r == null) {
            f.add(Finding.fail(Status.UNLICENSED, "NO_RECEIPT", "VER-5", "no receipt: the site did not record serving this under the license"));
            return;
        }
        if (!r.path("entry").isTextual() || !r.path("checkpoint").isTextual()) {
            f.add(Finding.fail(Status.RECEIPT_INVALID, "RECEIPT_UNPROVEN", "VER-5", "the receipt has no entry or checkpoint"
                    + (r.has("error") ? " (" + r.get("error").asText() + ")" : "")));
            return;
        }
        String logId = r.path("log").asText();
        String entryText = r.get("entry").asText();
        JsonNode entry;
        try {
            entry = Json.readTree(entryText);
        } catch (java.io.IOException e) {
            f.add(Finding.fail(Status.MALFORMED, "MALFORMED_ENTRY", "VER-5", "the receipt's entry is not JSON"));
            return;
        }
        List<String> mismatches = new ArrayList<>();
        check(mismatches, "rid", entry.path("rid").asText(), r.path("rid").asText());
        check(mismatches, "url", entry.path("url").asText(), url);
        check(mismatches, "sha256", entry.path("sha256").asText(), rec.path("bytes_sha256").asText());
        check(mismatches, "jti", entry.path("jti").asText(), rec.path("license").asText());
        lic.ifPresent(c -> check(mismatches, "jkt", entry.path("jkt").asText(), c.confirmation().jkt()));
        if (!mismatches.isEmpty()) {
            f.add(Finding.fail(Status.TAMPERED, "RECEIPT_MISMATCH", "VER-5", "the receipt's entry does not match the record: " + String.join("; ", mismatches)));
        }
        Optional<Checkpoint> cp = ctx.checkpoint(logId, r.get("checkpoint").asText());
        if (cp.isEmpty()) {
            f.add(Finding.fail(Status.UNTRUSTED_KEY, "UNTRUSTED_LOG", "VER-5", "the receipt's checkpoint is not signed by a key the trust store "
                    + "trusts for log " + logId));
            return;
        }
        JsonNode hashes = r.path("inclusion_proof");
        List<byte[]> proof = new ArrayList<>(hashes.size());
        for (int i = 0; i < hashes.size(); i++) {
            String h = hashes.get(i).textValue();
            try {
                if (h == null || h.length() != 64) {
                    throw new IllegalArgumentException("not 64 characters");
                }
                proof.add(hex(h));
            } catch (IllegalArgumentException e) {
                // One record's bad proof is that record's finding, never the end of the run.
                f.add(Finding.fail(Status.RECEIPT_INVALID, "INCLUSION_PROOF_FAILED", "VER-5", "the receipt's inclusion_proof[" + i
                        + "] is not a SHA-256 hash in hex (64 hex digits)"));
                return;
            }
        }
        boolean ok = MerkleProofs.verifyInclusion(MerkleTree.leafHash(entryText.getBytes(StandardCharsets.UTF_8)), r.path("index").asLong(),
                cp.get().size(), proof, cp.get().root());
        if (!ok) {
            f.add(Finding.fail(Status.RECEIPT_INVALID, "INCLUSION_PROOF_FAILED", "VER-5", "the entry's inclusion proof does not lead to the checkpoint's root"));
        }
    }

    private static final byte[] NIBBLE = new byte[128];

    static {
        java.util.Arrays.fill(NIBBLE, (byte) -1);
        for (int i = 0; i < 10; i++) {
            NIBBLE['0' + i] = (byte) i;
        }
        for (int i = 0; i < 6; i++) {
            NIBBLE['a' + i] = (byte) (10 + i);
            NIBBLE['A' + i] = (byte) (10 + i);
        }
    }

    /**
     * Hex to bytes by table (a proof is 20-odd hashes per record: HexFormat's parser showed at 6% of a run).
     *
     * @throws IllegalArgumentException for an odd length or a character that is not a hex digit, as HexFormat does
     */
    static byte[] hex(String s) {
        int n = s.length();
        if ((n & 1) != 0) {
            throw new IllegalArgumentException("odd-length hex");
        }
        byte[] out = new byte[n / 2];
        for (int i = 0; i < n; i += 2) {
            char a = s.charAt(i);
            char b = s.charAt(i + 1);
            int hi = a < 128 ? NIBBLE[a] : -1;
            int lo = b < 128 ? NIBBLE[b] : -1;
            if ((hi | lo) < 0) {
                throw new IllegalArgumentException("not hex: " + (hi < 0 ? a : b));
            }
            out[i / 2] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    private static void check(List<String> out, String what, String entry, String record) {
        if (!entry.equals(record)) {
            out.add(what + " " + entry + " != " + record);
        }
    }

    /** [VER-6]: the publisher's credential, by a key trusted for the record's origin at fetch time, for this text. */
    private void credential(ObjectNode rec, String publisher, Instant at, Optional<LicenseClaims> lic, List<Finding> f) {
        String compact = rec.path("credential").asText(null);
        if (compact == null) {
            f.add(Finding.note("NO_CREDENTIAL", "VER-6", "the page carries no content credential"));
            return;
        }
        Optional<KeySet> keys = ctx.trust().publisher(publisher, at);
        String path = "the trust store";
        if (keys.isEmpty()) {
            for (Repertoire r : ctx.repertoires()) {
                Optional<Repertoire.Member> m = r.memberAt(publisher, at);
                if (m.isPresent()) {
                    keys = Optional.of(m.get().contentKeys());
                    path = "the repertoire of " + r.issuer();
                    break;
                }
            }
        }
        if (keys.isEmpty()) {
            f.add(Finding.fail(Status.UNTRUSTED_KEY, "UNTRUSTED_PUBLISHER", "VER-6", "no key is trusted for " + publisher + " at " + at
                    + " (neither the trust store nor a trusted repertoire)"));
            return;
        }
        CredentialClaims c;
        try {
            c = ctx.credential(compact, keys.get());
        } catch (Cb4iException e) {
            Status s = e.reason().name().equals("UNKNOWN_KEY") ? Status.UNTRUSTED_KEY : Status.BAD_SIGNATURE;
            f.add(Finding.fail(s, e.reason().name(), "VER-6", "the content credential does not verify with the keys " + path + " gives: " + e.getMessage()));
            return;
        }
        f.add(Finding.note("CREDENTIAL_TRUSTED", "VER-6", "the credential is signed by a key vouched for by " + path));
        JsonNode text = rec.get("text");
        if (text != null && text.path("kept").isTextual()) {
            keptText(text, c, f);
            return; // the record's text is a part of the page: judged by its paragraphs, not by the whole page's digest
        }
        if (c.digests().text().isPresent() && text != null && !c.digests().text().get().equals(text.path("sha256").asText())) {
            f.add(Finding.fail(Status.TAMPERED, "CREDENTIAL_TEXT_MISMATCH", "VER-6", "the page's canonical text is not the text the publisher signed"));
        }
        if (c.digests().bytes().isPresent() && !c.digests().bytes().get().equals(rec.path("bytes_sha256").asText())) {
            f.add(Finding.fail(Status.TAMPERED, "CREDENTIAL_BYTES_MISMATCH", "VER-6", "the file is not the file the publisher signed"));
        }
    }

    /** [VER-7] [CRD-5]: a cut-down text, attributed paragraph by paragraph to the signed page. */
    private static void keptText(JsonNode text, CredentialClaims c, List<Finding> f) {
        List<String> digests = new ArrayList<>();
        text.path("paragraph_digests").forEach(d -> digests.add(d.asText()));
        if (c.digests().paragraphsRoot().isEmpty() || !ParagraphMatch.bindsTo(digests, c.digests().paragraphCount().orElse(-1),
                c.digests().paragraphsRoot().get())) {
            f.add(Finding.fail(Status.TAMPERED, "DIGEST_MISMATCH", "VER-7", "the record's paragraph digests are not the signed page's "
                    + "(their count or Merkle root differs from the credential's paragraphs)"));
            return;
        }
        ParagraphMatch.Match m = ParagraphMatch.match(text.get("kept").asText(), digests);
        String share = String.format(Locale.ROOT, "%.1f%%", 100 * m.coverage());
        f.add(Finding.note("TEXT_COVERAGE", "VER-7", share + " of the kept text is signed by the publisher: " + m.attributed() + " of "
                + m.pieces() + " kept paragraphs found among the page's " + digests.size()));
        if (m.attributed() == 0 && m.totalChars() > 0) {
            f.add(Finding.fail(Status.TAMPERED, "TEXT_NOT_SIGNED", "VER-7", "none of the kept text is among the page's signed paragraphs"));
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
