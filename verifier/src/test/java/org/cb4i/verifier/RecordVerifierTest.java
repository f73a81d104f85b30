package org.cb4i.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.cb4i.sdk.credential.ContentCredentials;
import org.cb4i.sdk.credential.CredentialClaims;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.MerkleTree;
import org.cb4i.sdk.repertoire.Repertoire;
import org.cb4i.sdk.status.StatusList;
import org.cb4i.sdk.status.StatusListToken;
import org.cb4i.sdk.status.StatusValue;
import org.cb4i.sdk.terms.PathPattern;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.text.CanonicalText;
import org.cb4i.sdk.token.Confirmation;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.LicenseTokens;
import org.cb4i.sdk.token.PathScope;
import org.cb4i.sdk.token.Quota;
import org.cb4i.sdk.token.StatusReference;
import org.cb4i.verifier.trust.TrustStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier's rules one at a time, on a manifest built here from first principles (a license, a status list, a
 * receipts log and its checkpoint, a publisher's credential), each test breaking exactly one thing.
 */
class RecordVerifierTest {
    static final String COLLECTIVE = "https://c.example";
    static final String SITE = "https://news.example";
    static final URI LIST = URI.create("https://c.example/status/1");
    final Instant t0 = Instant.parse("2026-05-01T12:00:00Z");
    final SigningKey collective = KeyFiles.generate(KeyAlgorithm.ED25519);
    final SigningKey crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
    final SigningKey logKey = KeyFiles.generate(KeyAlgorithm.ED25519);
    final SigningKey publisher = KeyFiles.generate(KeyAlgorithm.ED25519);
    final String html = "<html><body><article><p>One paragraph.</p><p>Another one.</p></article></body></html>";
    final byte[] content = html.getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    String license;
    LicenseClaims claims;
    TrustStore trust;

    @BeforeEach
    void setUp() {
        claims = new LicenseClaims(COLLECTIVE, "crawler-co", List.of(COLLECTIVE), "lic-1", t0, t0, t0.plus(Duration.ofDays(1)),
                new Confirmation(crawler.publicKey()), EnumSet.of(Usage.AI_TRAIN), List.of(new PathScope(Optional.empty(),
                        List.of(PathPattern.of("/articles/")), List.of())), Quota.NONE, Optional.empty(), Optional.of(new StatusReference(3, LIST)));
        license = LicenseTokens.issue(claims, collective);
        trust = new TrustStore(List.of(entry(COLLECTIVE, collective)), List.of(), List.of(entry(logKey.thumbprint(), logKey)));
    }

    static TrustStore.Entry entry(String name, SigningKey k) {
        return new TrustStore.Entry(name, Optional.empty(), KeySet.of(k.publicKey()), Optional.empty(), Optional.empty());
    }

    ObjectNode header(StatusValue status, Instant listIat) {
        ObjectNode h = Json.mapper().createObjectNode();
        h.put("type", "cb4i-manifest");
        h.put("usage", "ai-train");
        h.putArray("licenses").add(license);
        StatusList l = StatusList.create(2, 16);
        l.set(3, status);
        h.putArray("status_lists").add(StatusListToken.sign(collective, LIST, listIat, listIat.plus(Duration.ofHours(2)), Duration.ofMinutes(1), l).compact());
        h.putArray("repertoires").add(Repertoire.sign(collective, COLLECTIVE, COLLECTIVE, t0, t0.plus(Duration.ofDays(1)),
                List.of(new Repertoire.Member(SITE, t0.minus(Duration.ofDays(30)), Optional.empty(), KeySet.of(publisher.publicKey())))).compact());
        return h;
    }

    /** A fetched record with its receipt, proven against a checkpoint of a one-other-entry log. */
    ObjectNode record(String url, byte[] body) {
        ObjectNode r = Json.mapper().createObjectNode();
        r.put("id", 1);
        r.put("url", url);
        r.put("fetched_at", t0.plusSeconds(600).getEpochSecond());
        r.put("outcome", "fetched");
        r.put("content_type", "text/html; charset=utf-8");
        r.put("bytes_sha256", RecordVerifier.sha256(body));
        CanonicalText.Result text = CanonicalText.of(new String(body, StandardCharsets.UTF_8));
        r.putObject("text").put("sha256", text.textSha256());
        r.put("license", "lic-1");
        String entry = Json.write(java.util.Map.of("rid", "r1", "url", url, "sha256", RecordVerifier.sha256(body), "jti", "lic-1",
                "jkt", crawler.thumbprint()));
        MerkleTree tree = new MerkleTree();
        tree.append("{\"other\":1}".getBytes(StandardCharsets.UTF_8));
        long index = tree.append(entry.getBytes(StandardCharsets.UTF_8));
        Checkpoint cp = Checkpoint.sign(logKey, tree.size(), tree.root(tree.size()), t0.plusSeconds(601));
        ObjectNode rc = r.putObject("receipt");
        rc.put("log", logKey.thumbprint());
        rc.put("rid", "r1");
        rc.put("entry", entry);
        rc.put("index", index);
        ArrayNode proof = rc.putArray("inclusion_proof");
        tree.inclusionProof(index, tree.size()).forEach(h -> proof.add(HexFormat.of().formatHex(h)));
        rc.put("checkpoint", cp.compact());
        return r;
    }

    RecordResult judge(ObjectNode header, ObjectNode record, Optional<byte[]> body, Usage usage) {
        return new RecordVerifier(new ManifestContext(header, trust), usage).verify(record, body);
    }

    static Set<String> codes(RecordResult r) {
        return r.findings().stream().map(Finding::code).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void aCompleteRecordVerifies() { // [VER-1] [VER-2] [VER-3] [VER-4] [VER-5]
        RecordResult r = judge(header(StatusValue.VALID, t0), record(SITE + "/articles/a", content), Optional.of(content), Usage.AI_TRAIN);
        assertThat(r.status()).as(r.findings().toString()).isEqualTo(Status.VERIFIED);
        assertThat(r.collective()).hasValue(COLLECTIVE);
    }

    @Test
    void changedContentIsTampered() { // [VER-1]
        byte[] other = html.replace("Another", "A changed").getBytes(StandardCharsets.UTF_8);
        RecordResult r = judge(header(StatusValue.VALID, t0), record(SITE + "/articles/a", content), Optional.of(other), Usage.AI_TRAIN);
        assertThat(r.status()).isEqualTo(Status.TAMPERED);
        assertThat(codes(r)).contains("BYTES_DIGEST_MISMATCH");
    }

    @Test
    void aRecordWhoseTextDigestWasRewrittenIsTampered() { // [VER-2]
        ObjectNode rec = record(SITE + "/articles/a", content);
        ((ObjectNode) rec.get("text")).put("sha256", "0".repeat(64));
        assertThat(codes(judge(header(StatusValue.VALID, t0), rec, Optional.of(content), Usage.AI_TRAIN))).contains("TEXT_DIGEST_MISMATCH");
    }

    @Test
    void licenseRulesAreJudgedAtFetchTime() { // [VER-3]
        assertThat(judge(header(StatusValue.VALID, t0), record(SITE + "/articles/a", content), Optional.of(content), Usage.SEARCH).status())
                .isEqualTo(Status.USAGE_NOT_PERMITTED);
        assertThat(judge(header(StatusValue.VALID, t0), record(SITE + "/about", content), Optional.of(content), Usage.AI_TRAIN).status())
                .isEqualTo(Status.UNLICENSED);
        ObjectNode late = record(SITE + "/articles/a", content);
        late.put("fetched_at", t0.plus(Duration.ofDays(2)).getEpochSecond());
        assertThat(judge(header(StatusValue.VALID, t0), late, Optional.of(content), Usage.AI_TRAIN).status()).isEqualTo(Status.EXPIRED_AT_FETCH);
        trust = new TrustStore(List.of(entry(COLLECTIVE, KeyFiles.generate(KeyAlgorithm.ED25519))), List.of(), trust.logs());
        assertThat(judge(header(StatusValue.VALID, t0), record(SITE + "/articles/a", content), Optional.of(content), Usage.AI_TRAIN).status())
                .isEqualTo(Status.UNTRUSTED_KEY);
    }

    @Test
    void aRevokedLicenseCountsOnlyWhenTheListCoversTheFetch() { // [VER-4]
        RecordResult during = judge(header(StatusValue.INVALID, t0), record(SITE + "/articles/a", content), Optional.of(content), Usage.AI_TRAIN);
        assertThat(during.status()).isEqualTo(Status.REVOKED_AT_FETCH);
        RecordResult after = judge(header(StatusValue.SUSPENDED, t0.plus(Duration.ofHours(5))), record(SITE + "/articles/a", content),
                Optional.of(content), Usage.AI_TRAIN);
        assertThat(after.status()).isEqualTo(Status.VERIFIED);
        assertThat(codes(after)).contains("STATUS_AFTER_FETCH");
    }

    @Test
    void aUsageStruckAloneAtFetchTime_refusesRecordsOfThatUsageOnly() { // [VER-4] [STS-9]
        claims = new LicenseClaims(COLLECTIVE, "crawler-co", List.of(COLLECTIVE), "lic-1", t0, t0, t0.plus(Duration.ofDays(1)),
                new Confirmation(crawler.publicKey()), EnumSet.of(Usage.AI_TRAIN, Usage.SEARCH), List.of(), Quota.NONE, Optional.empty(),
                Optional.of(new StatusReference(3, LIST)), java.util.Map.of(Usage.AI_TRAIN, new StatusReference(4, LIST), Usage.SEARCH,
                        new StatusReference(5, LIST)));
        license = LicenseTokens.issue(claims, collective);
        ObjectNode h = header(StatusValue.VALID, t0);
        StatusList l = StatusList.create(2, 16);
        l.set(4, StatusValue.SUSPENDED); // ai-train struck; the license (3) and search (5) VALID
        h.putArray("status_lists").add(StatusListToken.sign(collective, LIST, t0, t0.plus(Duration.ofHours(2)), Duration.ofMinutes(1), l).compact());
        RecordResult train = judge(h, record(SITE + "/articles/a", content), Optional.of(content), Usage.AI_TRAIN);
        assertThat(train.status()).as(train.findings().toString()).isEqualTo(Status.REVOKED_AT_FETCH);
        assertThat(train.findings().toString()).contains("LICENSE_SUSPENDED").contains("for the usage (index 4)");
        RecordResult search = judge(h, record(SITE + "/articles/a", content), Optional.of(content), Usage.SEARCH);
        assertThat(search.status()).as(search.findings().toString()).isEqualTo(Status.VERIFIED);
    }

    @Test
    void onlineTheIssuersHistoryDecidesTheStatusAtFetchTime() { // [VER-4] [STS-7]
        ObjectNode header = header(StatusValue.SUSPENDED, t0.plus(Duration.ofHours(5))); // held: a list from after the fetch
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        ManifestContext.StatusHistory revokedThen = (uri, t) -> {
            asked.incrementAndGet();
            StatusList l = StatusList.create(2, 16);
            l.set(3, StatusValue.INVALID);
            return Optional.of(StatusListToken.sign(collective, uri, t0, t0.plus(Duration.ofHours(1)), Duration.ofMinutes(1), l).compact());
        };
        RecordVerifier online = new RecordVerifier(new ManifestContext(header, trust, Optional.of(revokedThen)), Usage.AI_TRAIN);
        RecordResult r = online.verify(record(SITE + "/articles/a", content), Optional.of(content));
        assertThat(r.status()).isEqualTo(Status.REVOKED_AT_FETCH);
        online.verify(record(SITE + "/articles/b", content), Optional.of(content));
        assertThat(asked.get()).as("one fetch serves every record fetched while that list was in force").isEqualTo(1);

        ManifestContext.StatusHistory wrongTime = (uri, t) -> Optional.of(StatusListToken.sign(collective, uri, t0.plus(Duration.ofHours(3)),
                t0.plus(Duration.ofHours(4)), Duration.ofMinutes(1), StatusList.create(2, 16)).compact());
        RecordResult notCovering = new RecordVerifier(new ManifestContext(header, trust, Optional.of(wrongTime)), Usage.AI_TRAIN)
                .verify(record(SITE + "/articles/a", content), Optional.of(content));
        assertThat(codes(notCovering)).contains("STATUS_HISTORY_INVALID", "STATUS_AFTER_FETCH");
        ManifestContext.StatusHistory forged = (uri, t) -> Optional.of(StatusListToken.sign(KeyFiles.generate(KeyAlgorithm.ED25519), uri, t0,
                t0.plus(Duration.ofHours(1)), Duration.ofMinutes(1), StatusList.create(2, 16)).compact());
        assertThat(codes(new RecordVerifier(new ManifestContext(header, trust, Optional.of(forged)), Usage.AI_TRAIN)
                .verify(record(SITE + "/articles/a", content), Optional.of(content)))).contains("STATUS_HISTORY_INVALID");
    }

    @Test
    void receiptsMustMatchAndBeProvenByATrustedLog() { // [VER-5]
        ObjectNode wrongProof = record(SITE + "/articles/a", content);
        ((ArrayNode) wrongProof.get("receipt").get("inclusion_proof")).set(0, Json.mapper().getNodeFactory().textNode("00".repeat(32)));
        assertThat(judge(header(StatusValue.VALID, t0), wrongProof, Optional.of(content), Usage.AI_TRAIN).status()).isEqualTo(Status.RECEIPT_INVALID);
        for (String bad : new String[] {"zz".repeat(32), "00", "", "ab".repeat(33)}) { // not hashes: a finding, not an exception
            ObjectNode notHex = record(SITE + "/articles/a", content);
            ((ArrayNode) notHex.get("receipt").get("inclusion_proof")).set(0, Json.mapper().getNodeFactory().textNode(bad));
            RecordResult got = judge(header(StatusValue.VALID, t0), notHex, Optional.of(content), Usage.AI_TRAIN);
            assertThat(got.status()).isEqualTo(Status.RECEIPT_INVALID);
            assertThat(got.findings()).anyMatch(x -> x.message().contains("inclusion_proof[0] is not a SHA-256 hash in hex"));
        }
        ObjectNode farFuture = record(SITE + "/articles/a", content);
        farFuture.put("fetched_at", 1_000_000_000_000_000_000L); // beyond what a date can hold
        assertThat(codes(judge(header(StatusValue.VALID, t0), farFuture, Optional.of(content), Usage.AI_TRAIN))).contains("MALFORMED_RECORD");
        ObjectNode numbers = record(SITE + "/articles/a", content);
        ((ArrayNode) numbers.get("receipt").get("inclusion_proof")).set(0, Json.mapper().getNodeFactory().numberNode(7));
        assertThat(judge(header(StatusValue.VALID, t0), numbers, Optional.of(content), Usage.AI_TRAIN).status()).isEqualTo(Status.RECEIPT_INVALID);
        ObjectNode moved = record(SITE + "/articles/a", content);
        moved.put("url", SITE + "/articles/b");
        assertThat(codes(judge(header(StatusValue.VALID, t0), moved, Optional.empty(), Usage.AI_TRAIN))).contains("RECEIPT_MISMATCH");
        trust = new TrustStore(trust.collectives(), List.of(), List.of());
        assertThat(judge(header(StatusValue.VALID, t0), record(SITE + "/articles/a", content), Optional.of(content), Usage.AI_TRAIN).status())
                .isEqualTo(Status.UNTRUSTED_KEY);
        ObjectNode none = record(SITE + "/articles/a", content);
        none.remove("receipt");
        assertThat(codes(judge(header(StatusValue.VALID, t0), none, Optional.of(content), Usage.AI_TRAIN))).contains("NO_RECEIPT");
    }

    @Test
    void credentialsAreTrustedThroughTheRepertoireAndMustMatchTheText() { // [VER-6] [REP-2]
        String text = CanonicalText.of(html).textSha256();
        CredentialClaims c = new CredentialClaims(SITE, SITE + "/articles/a", t0, List.of("A. Writer"), Optional.empty(), Optional.empty(),
                Optional.empty(), Set.of(), new CredentialClaims.Digests(Optional.of(text), Optional.empty(), Optional.empty(), Optional.empty()));
        ObjectNode rec = record(SITE + "/articles/a", content);
        rec.put("credential", ContentCredentials.sign(c, publisher));
        RecordResult ok = judge(header(StatusValue.VALID, t0), rec, Optional.of(content), Usage.AI_TRAIN);
        assertThat(ok.status()).isEqualTo(Status.VERIFIED);
        assertThat(ok.findings()).anySatisfy(f -> assertThat(f.message()).contains("the repertoire of " + COLLECTIVE));

        rec.put("credential", ContentCredentials.sign(c, KeyFiles.generate(KeyAlgorithm.ED25519)));
        assertThat(judge(header(StatusValue.VALID, t0), rec, Optional.of(content), Usage.AI_TRAIN).status()).isEqualTo(Status.UNTRUSTED_KEY);

        // Verified credentials are cached by their signature segment: a forgery that keeps a verified credential's
        // signature but changes its claims must not ride on the cached result.
        RecordVerifier shared = new RecordVerifier(new ManifestContext(header(StatusValue.VALID, t0), trust, Optional.empty()), Usage.AI_TRAIN);
        String genuine = ContentCredentials.sign(c, publisher);
        rec.put("credential", genuine);
        assertThat(shared.verify(rec, Optional.of(content)).status()).isEqualTo(Status.VERIFIED);
        String[] parts = genuine.split("\\.");
        String otherPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
                        .replace("A. Writer", "B. Forger").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        rec.put("credential", parts[0] + "." + otherPayload + "." + parts[2]);
        assertThat(shared.verify(rec, Optional.of(content)).status()).isEqualTo(Status.BAD_SIGNATURE);

        CredentialClaims other = new CredentialClaims(SITE, SITE + "/articles/a", t0, List.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Set.of(), new CredentialClaims.Digests(Optional.of("1".repeat(64)), Optional.empty(), Optional.empty(), Optional.empty()));
        rec.put("credential", ContentCredentials.sign(other, publisher));
        assertThat(codes(judge(header(StatusValue.VALID, t0), rec, Optional.of(content), Usage.AI_TRAIN))).contains("CREDENTIAL_TEXT_MISMATCH");
    }

    @Test
    void aCutDownTextIsAttributedParagraphByParagraph() { // [VER-7] [CRD-5]
        CanonicalText.Result page = CanonicalText.of(html);
        CredentialClaims c = new CredentialClaims(SITE, SITE + "/articles/a", t0, List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                Set.of(), new CredentialClaims.Digests(Optional.of(page.textSha256()), Optional.of(page.paragraphs().size()),
                        Optional.of(page.paragraphsRoot()), Optional.empty()));
        ObjectNode rec = record(SITE + "/articles/a", content);
        rec.put("credential", ContentCredentials.sign(c, publisher));
        ObjectNode text = (ObjectNode) rec.get("text");
        ArrayNode ds = text.putArray("paragraph_digests");
        page.paragraphDigests().forEach(ds::add);
        text.put("kept", "Another one.\nA line the pipeline added.");
        RecordResult r = judge(header(StatusValue.VALID, t0), rec, Optional.of(content), Usage.AI_TRAIN);
        assertThat(r.status()).as(r.findings().toString()).isEqualTo(Status.VERIFIED);
        assertThat(r.findings()).anySatisfy(f -> assertThat(f.message()).startsWith("31.6% of the kept text is signed").contains("1 of 2 kept paragraphs"));

        text.put("kept", "Nothing the publisher wrote.");
        assertThat(codes(judge(header(StatusValue.VALID, t0), rec, Optional.of(content), Usage.AI_TRAIN))).contains("TEXT_NOT_SIGNED");
        text.put("kept", "Another one.");
        ds.set(0, Json.mapper().getNodeFactory().textNode("ab".repeat(32)));
        assertThat(codes(judge(header(StatusValue.VALID, t0), rec, Optional.of(content), Usage.AI_TRAIN))).contains("DIGEST_MISMATCH");
    }

    @Test
    void malformedRecordsAreSaidSo() {
        ObjectNode rec = Json.mapper().createObjectNode().put("id", 9).put("url", "not a url");
        assertThat(judge(header(StatusValue.VALID, t0), rec, Optional.empty(), Usage.AI_TRAIN).status()).isEqualTo(Status.MALFORMED);
    }

    @Test
    void aDatasetIsVerifiedAsAStreamAndRefusalsAreNotRecords() throws Exception {
        Path manifest = dir.resolve("manifest.jsonl");
        StringBuilder sb = new StringBuilder(Json.write(header(StatusValue.VALID, t0))).append('\n');
        for (int i = 0; i < 1500; i++) {
            ObjectNode r = record(SITE + "/articles/" + i, content);
            r.put("id", i + 1);
            sb.append(Json.write(r)).append('\n');
        }
        ObjectNode twin = record(SITE + "/articles/twin", content);
        twin.put("id", 7);
        sb.append(Json.write(twin)).append('\n');
        sb.append("{\"url\":\"" + SITE + "/x\",\"outcome\":\"refused\",\"reason\":\"LICENSE_REQUIRED\"}\n");
        sb.append("not json\n");
        ObjectNode badProof = record(SITE + "/articles/bad-proof", content); // ended the whole run before
        badProof.put("id", 5000);
        ((ArrayNode) badProof.get("receipt").get("inclusion_proof")).set(0, Json.mapper().getNodeFactory().textNode("zz".repeat(32)));
        sb.append(Json.write(badProof)).append('\n');
        Files.writeString(manifest, sb.toString());
        List<Long> order = new java.util.ArrayList<>();
        DatasetVerifier.Summary s = new DatasetVerifier(trust, Usage.AI_TRAIN, 4).verify(manifest, r -> order.add(r.id()));
        assertThat(s.records()).isEqualTo(1503);
        assertThat(s.verified()).isEqualTo(1500);
        assertThat(s.byStatus().get(Status.RECEIPT_INVALID)).as("the record whose proof is not hex").isEqualTo(1);
        assertThat(s.byStatus().get(Status.MALFORMED)).as("the line that is not JSON, and the second record with id 7").isEqualTo(2);
        assertThat(s.notInDataset()).isEqualTo(1);
        assertThat(order.subList(0, 1500)).isSorted();
        assertThat(order.get(1500)).as("results come in manifest order").isEqualTo(7L);
        Files.writeString(manifest, "{\"type\":\"something else\"}\n");
        assertThatThrownBy(() -> new DatasetVerifier(trust, Usage.AI_TRAIN, 1).verify(manifest, r -> { }))
                .hasMessageContaining(manifest + ":1: not a cb4i manifest header");
    }

    @Test
    void aCorruptWarcIsUnreadableContent_notTamperingAndNotACrash() throws Exception { // [VER-1] [VER-8]
        Files.write(dir.resolve("data.warc.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4});
        ObjectNode rec = record(SITE + "/articles/a", content);
        rec.putObject("warc").put("file", "data.warc.gz").put("offset", 0).put("length", 14);
        ObjectNode outside = record(SITE + "/articles/b", content);
        outside.put("id", 2);
        outside.putObject("warc").put("file", "../../etc/passwd").put("offset", 0).put("length", 10);
        Files.writeString(dir.resolve("manifest.jsonl"), Json.write(header(StatusValue.VALID, t0)) + "\n" + Json.write(rec) + "\n" + Json.write(outside) + "\n");
        List<RecordResult> results = new java.util.ArrayList<>();
        new DatasetVerifier(trust, Usage.AI_TRAIN, 2).verify(dir.resolve("manifest.jsonl"), results::add);
        assertThat(results.get(0).status()).isEqualTo(Status.MALFORMED);
        assertThat(codes(results.get(0))).contains("CONTENT_UNREADABLE").doesNotContain("BYTES_DIGEST_MISMATCH");
        assertThat(results.get(0).findings().get(0).message()).contains("data.warc.gz at byte 0");
        assertThat(codes(results.get(1))).as("a WARC path outside the dataset is not read").contains("CONTENT_NOT_CHECKED");
    }

    @Test
    void trustStoresAreReadStrictly() throws Exception { // [TRS-1]
        Path f = dir.resolve("trust.json");
        trust.write(f);
        assertThat(TrustStore.read(f).collective(COLLECTIVE, t0)).isPresent();
        Files.writeString(f, "{\"collectives\": [{\"id\": \"x\"}]}");
        assertThatThrownBy(() -> TrustStore.read(f)).hasMessageContaining("collectives[0]").hasMessageContaining("\"keys\"");
        Files.writeString(f, "{\"collectives\": [{\"id\": \"x\", \"keys\": " + Json.write(KeySet.of(collective.publicKey()).toJsonObject())
                + ", \"untill\": 5}]}");
        assertThatThrownBy(() -> TrustStore.read(f)).hasMessageContaining("collectives[0]: unknown member \"untill\"");
        Files.writeString(f, "{\"collective\": []}");
        assertThatThrownBy(() -> TrustStore.read(f)).hasMessageContaining("unknown member \"collective\"");
        TrustStore dated = new TrustStore(List.of(new TrustStore.Entry(COLLECTIVE, Optional.empty(), KeySet.of(collective.publicKey()),
                Optional.of(t0.plusSeconds(1)), Optional.empty())), List.of(), List.of());
        assertThat(dated.collective(COLLECTIVE, t0)).isEmpty();
    }
}
