package org.cb4i.verifier;

import org.cb4i.sdk.dataset.ManifestRecord;
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
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.LogEntry;
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
     * Judges a record given as a JSON tree (as {@link #verify(ManifestRecord, Optional)}).
     *
     * @param content the record's payload as stored (from the WARC), or empty when the dataset holds no content
     */
    public RecordResult verify(ObjectNode rec, Optional<byte[]> content) {
        return verify(ManifestRecord.of(rec), content);
    }

    /**
     * Judges one record. Never throws for anything in the record: what is wrong with it is in the result.
     *
     * @param content the record's payload as stored (from the WARC), or empty when the dataset holds no content
     */
    public RecordResult verify(ManifestRecord rec, Optional<byte[]> content) {
        return verify(rec, StoredContent.of(content));
    }

    /**
     * Judges one record against what the dataset holds of its content. Never throws for anything in the record:
     * what is wrong with it is in the result.
     */
    public RecordResult verify(ManifestRecord rec, StoredContent content) {
        List<Finding> f = new ArrayList<>();
        long id = rec.id().orElse(0);
        String url = rec.url();
        String publisher;
        URI u;
        Instant at;
        try {
            u = URI.create(url);
            publisher = PathScope.normaliseOrigin(u.getScheme() + "://" + u.getRawAuthority());
            if (rec.fetchedAt().isEmpty() || rec.bytesSha256().isEmpty()) {
                throw new IllegalArgumentException("a record needs fetched_at and bytes_sha256");
            }
            at = Instant.ofEpochSecond(rec.fetchedAt().getAsLong());
        } catch (IllegalArgumentException | NullPointerException | java.time.DateTimeException e) {
            return RecordResult.unreadable(id, url, Finding.of(FindingCode.MALFORMED_RECORD, "record " + id + ": " + e.getMessage()));
        }
        String bytesSha256 = rec.bytesSha256().get();
        content(rec, bytesSha256, content, f);
        Optional<LicenseClaims> lic = license(rec, u, at, f);
        receipt(rec, url, bytesSha256, lic, f);
        credential(rec, bytesSha256, publisher, at, lic, f);
        return RecordResult.judged(id, url, f, publisher, lic.map(LicenseClaims::issuer), Optional.of(at), bytesSha256, rec.license());
    }

    /** [VER-1] [VER-2] [VER-8]: the stored content is what was fetched. */
    private static void content(ManifestRecord rec, String bytesSha256, StoredContent stored, List<Finding> f) {
        if (stored instanceof StoredContent.Absent) {
            f.add(Finding.of(FindingCode.CONTENT_NOT_CHECKED, "no stored content to check against the record's digests"));
            return;
        }
        if (stored instanceof StoredContent.Unreadable u) {
            f.add(Finding.of(u.code(), u.message()));
            return;
        }
        Optional<byte[]> content = Optional.of(((StoredContent.Payload) stored).body());
        String got = sha256(content.get());
        if (!got.equals(bytesSha256)) {
            f.add(Finding.of(FindingCode.BYTES_DIGEST_MISMATCH, "the stored content's SHA-256 is " + got + ", the record says "
                    + bytesSha256));
            return;
        }
        if (rec.text().isPresent() && rec.contentType().toLowerCase(Locale.ROOT).startsWith("text/html")) {
            try {
                CanonicalText.Result t = CanonicalText.of(new String(content.get(), StandardCharsets.UTF_8));
                if (!t.textSha256().equals(rec.text().get().sha256())) {
                    f.add(Finding.of(FindingCode.TEXT_DIGEST_MISMATCH, "the canonical text of the stored page does not have the digest the record says"));
                }
            } catch (Cb4iException e) {
                f.add(Finding.refused(Status.MALFORMED, e.reason(), "VER-2", "the stored page's canonical text cannot be computed: " + e.getMessage()));
            }
        }
    }

    /** [VER-3] [VER-4]: a trusted license, valid at fetch time, for this usage and this URL, not revoked then. */
    private Optional<LicenseClaims> license(ManifestRecord rec, URI u, Instant at, List<Finding> f) {
        String jti = rec.license().orElse(null);
        if (jti == null) {
            f.add(Finding.of(FindingCode.NO_LICENSE, "the record names no license"));
            return Optional.empty();
        }
        Optional<ManifestContext.License> l = ctx.licenseById(jti);
        if (l.isEmpty()) {
            f.add(Finding.of(FindingCode.LICENSE_NOT_IN_MANIFEST, "license " + jti + " is not among the manifest's licenses"));
            return Optional.empty();
        }
        l.get().problem().ifPresent(f::add);
        if (l.get().claims().isEmpty() || l.get().problem().isPresent()) {
            return l.get().claims();
        }
        LicenseClaims c = l.get().claims().get();
        if (at.plus(SKEW).isBefore(c.notBefore()) || !at.isBefore(c.expiresAt().plus(SKEW))) {
            f.add(Finding.of(FindingCode.TOKEN_EXPIRED, "fetched at " + at + ", outside the license's validity "
                    + c.notBefore() + " to " + c.expiresAt()));
        }
        if (!c.permits(usage)) {
            f.add(Finding.of(FindingCode.USAGE_NOT_LICENSED, "the license grants " + c.usages() + ", not "
                    + usage.token()));
        }
        if (!c.covers(u)) {
            f.add(Finding.of(FindingCode.PATH_NOT_LICENSED, "the license's paths do not cover " + u));
        }
        // [STS-9]'s rule, as the proxy judges it: the license's own status, then its status for each usage that overlaps
        // the record's; the first that was not VALID at fetch time (or could not be checked) is the finding.
        org.cb4i.sdk.status.StatusListCache.judge(c, java.util.Set.of(usage), ref -> validAtFetch(ref, c, at, f) ? StatusValue.VALID
                : StatusValue.INVALID);
        return Optional.of(c);
    }

    /** [VER-4] for one status reference of a license: true when it was VALID at fetch time (so the next is checked), else a finding says why. */
    private boolean validAtFetch(org.cb4i.sdk.token.StatusReference ref, LicenseClaims c, Instant at, List<Finding> f) {
        List<StatusListToken> lists = ctx.statusLists(ref.uri());
        if (lists.isEmpty()) {
            f.add(Finding.of(FindingCode.STATUS_NOT_CHECKED, "the manifest holds no verified status list " + ref.uri()));
            return false;
        }
        Optional<StatusListToken> during = lists.stream().filter(s -> !s.issuedAt().isAfter(at)
                && s.expiresAt().map(e -> e.isAfter(at)).orElse(true)).findFirst();
        if (during.isEmpty()) {
            // Online: the issuer's history says which list was in force at fetch time ([STS-7]).
            Optional<StatusListToken> past = ctx.statusAt(ref.uri(), c.issuer(), at, f);
            if (past.isPresent()) {
                StatusValue pv = ref.idx() < past.get().list().size() ? past.get().list().status((int) ref.idx()) : StatusValue.INVALID;
                if (pv != StatusValue.VALID) {
                    f.add(Finding.refused(Status.REVOKED_AT_FETCH, pv.reason(), "VER-4", "the issuer's status list in force at " + at
                            + " (from its history) says " + pv + " at index " + ref.idx()));
                    return false;
                }
                if (f.stream().noneMatch(x -> x.code().equals(FindingCode.STATUS_AT_FETCH_CONFIRMED.name()))) {
                    f.add(Finding.of(FindingCode.STATUS_AT_FETCH_CONFIRMED, "the issuer's status list in force at " + at + " says VALID"));
                }
                return true;
            }
        }
        StatusListToken used = during.orElseGet(() -> lists.stream().min((a, b) -> a.issuedAt().compareTo(b.issuedAt())).orElseThrow());
        StatusValue v = ref.idx() < used.list().size() ? used.list().status((int) ref.idx()) : StatusValue.INVALID;
        if (v == StatusValue.VALID) {
            return true;
        }
        if (during.isPresent()) {
            f.add(Finding.refused(Status.REVOKED_AT_FETCH, v.reason(), "VER-4", "the status list in force at " + at + " says " + v
                    + (c.status().filter(ref::equals).isPresent() ? "" : " for the usage (index " + ref.idx() + ")")));
        } else {
            f.add(Finding.of(FindingCode.STATUS_AFTER_FETCH, "the only status list held is from " + used.issuedAt() + " (after the fetch) and says "
                    + v + "; whether it was so at fetch time needs the issuer's history (?time=)"));
        }
        return false;
    }

    /** [VER-5]: the proxy's receipt for this fetch, in a log the trust store trusts, proven by a checkpoint. */
    private void receipt(ManifestRecord rec, String url, String bytesSha256, Optional<LicenseClaims> lic, List<Finding> f) {
        if (rec.receipt().isEmpty()) {
            f.add(Finding.of(FindingCode.NO_RECEIPT, "no receipt: the site did not record serving this under the license"));
            return;
        }
        ManifestRecord.Receipt r = rec.receipt().get();
        if (r.entry().isEmpty() || r.checkpoint().isEmpty()) {
            f.add(Finding.of(FindingCode.RECEIPT_UNPROVEN, "the receipt has no entry or checkpoint"
                    + r.error().map(e -> " (" + e + ")").orElse("")));
            return;
        }
        byte[] entryBytes = r.entry().get().getBytes(StandardCharsets.UTF_8);
        LogEntry entry;
        try {
            entry = LogEntry.parse(entryBytes);
        } catch (MalformedInputException e) {
            f.add(Finding.of(FindingCode.MALFORMED_ENTRY, "the receipt's entry is not JSON"));
            return;
        }
        List<String> mismatches = new ArrayList<>();
        check(mismatches, "rid", entry.rid(), r.rid());
        check(mismatches, "url", entry.url(), url);
        check(mismatches, "sha256", entry.sha256(), bytesSha256);
        check(mismatches, "jti", entry.jti(), rec.license().orElse(""));
        lic.ifPresent(c -> check(mismatches, "jkt", entry.jkt(), c.confirmation().jkt()));
        if (!mismatches.isEmpty()) {
            f.add(Finding.of(FindingCode.RECEIPT_MISMATCH, "the receipt's entry does not match the record: " + String.join("; ", mismatches)));
        }
        Optional<Checkpoint> cp = ctx.checkpoint(r.log(), r.checkpoint().get());
        if (cp.isEmpty()) {
            f.add(Finding.of(FindingCode.UNTRUSTED_LOG, "the receipt's checkpoint is not signed by a key the trust store "
                    + "trusts for log " + r.log()));
            return;
        }
        if (r.proofProblem().isPresent()) {
            // One record's bad proof is that record's finding, never the end of the run.
            f.add(Finding.of(FindingCode.INCLUSION_PROOF_FAILED, r.proofProblem().get()));
            return;
        }
        boolean ok = MerkleProofs.verifyInclusion(MerkleTree.leafHash(entryBytes), r.index(), cp.get().size(), r.inclusionProof(), cp.get().root());
        if (!ok) {
            f.add(Finding.of(FindingCode.INCLUSION_PROOF_FAILED, "the entry's inclusion proof does not lead to the checkpoint's root"));
        }
    }

    private static void check(List<String> out, String what, String entry, String record) {
        if (!entry.equals(record)) {
            out.add(what + " " + entry + " != " + record);
        }
    }

    /** [VER-6]: the publisher's credential, by a key trusted for the record's origin at fetch time, for this text. */
    private void credential(ManifestRecord rec, String bytesSha256, String publisher, Instant at, Optional<LicenseClaims> lic, List<Finding> f) {
        String compact = rec.credential().orElse(null);
        if (compact == null) {
            f.add(Finding.of(FindingCode.NO_CREDENTIAL, "the page carries no content credential"));
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
            f.add(Finding.of(FindingCode.UNTRUSTED_PUBLISHER, "no key is trusted for " + publisher + " at " + at
                    + " (neither the trust store nor a trusted repertoire)"));
            return;
        }
        CredentialClaims c;
        try {
            c = ctx.credential(compact, keys.get());
        } catch (Cb4iException e) {
            Status s = e.reason().name().equals("UNKNOWN_KEY") ? Status.UNTRUSTED_KEY : Status.BAD_SIGNATURE;
            f.add(Finding.refused(s, e.reason(), "VER-6", "the content credential does not verify with the keys " + path + " gives: " + e.getMessage()));
            return;
        }
        f.add(Finding.of(FindingCode.CREDENTIAL_TRUSTED, "the credential is signed by a key vouched for by " + path));
        Optional<ManifestRecord.Text> text = rec.text();
        if (text.isPresent() && text.get().kept().isPresent()) {
            keptText(text.get(), c, f);
            return; // the record's text is a part of the page: judged by its paragraphs, not by the whole page's digest
        }
        if (c.digests().text().isPresent() && text.isPresent() && !c.digests().text().get().equals(text.get().sha256())) {
            f.add(Finding.of(FindingCode.CREDENTIAL_TEXT_MISMATCH, "the page's canonical text is not the text the publisher signed"));
        }
        if (c.digests().bytes().isPresent() && !c.digests().bytes().get().equals(bytesSha256)) {
            f.add(Finding.of(FindingCode.CREDENTIAL_BYTES_MISMATCH, "the file is not the file the publisher signed"));
        }
    }

    /** [VER-7] [CRD-5]: a cut-down text, attributed paragraph by paragraph to the signed page. */
    private static void keptText(ManifestRecord.Text text, CredentialClaims c, List<Finding> f) {
        List<String> digests = text.paragraphDigests();
        if (c.digests().paragraphsRoot().isEmpty() || !ParagraphMatch.bindsTo(digests, c.digests().paragraphCount().orElse(-1),
                c.digests().paragraphsRoot().get())) {
            f.add(Finding.of(FindingCode.DIGEST_MISMATCH, "the record's paragraph digests are not the signed page's "
                    + "(their count or Merkle root differs from the credential's paragraphs)"));
            return;
        }
        ParagraphMatch.Match m = ParagraphMatch.match(text.kept().get(), digests);
        String share = String.format(Locale.ROOT, "%.1f%%", 100 * m.coverage());
        f.add(Finding.of(FindingCode.TEXT_COVERAGE, share + " of the kept text is signed by the publisher: " + m.attributed() + " of "
                + m.pieces() + " kept paragraphs found among the page's " + digests.size()));
        if (m.attributed() == 0 && m.totalChars() > 0) {
            f.add(Finding.of(FindingCode.TEXT_NOT_SIGNED, "none of the kept text is among the page's signed paragraphs"));
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
