package org.cb4i.conformance.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthVerifier;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.status.StatusList;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Confirmation;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.LicenseTokenVerifier;
import org.cb4i.sdk.token.LicenseTokens;
import org.cb4i.sdk.token.Quota;
import org.cb4i.verifier.ManifestContext;
import org.cb4i.verifier.RecordResult;
import org.cb4i.sdk.dataset.ManifestRecord;
import org.cb4i.verifier.RecordVerifier;
import org.cb4i.verifier.trust.TrustStore;

/**
 * Fuzzing the parsers that read untrusted input (research/security.md): license tokens, Web Bot Auth's structured
 * fields, status lists and manifest records. Whatever the input, each either accepts it or refuses it with a reason
 * ({@link Cb4iException}); nothing else escapes, and no mutation of a signed token is ever accepted. A short run in
 * {@code mvn -B verify}; {@code -Djqwik.tries.default=100000} runs longer.
 */
class ParserFuzzTest {
    static final SigningKey COLLECTIVE = KeyFiles.generate(KeyAlgorithm.ED25519);
    static final SigningKey CRAWLER = KeyFiles.generate(KeyAlgorithm.ED25519);
    static final String TOKEN;
    static final LicenseTokenVerifier VERIFIER = LicenseTokenVerifier.builder().trustIssuer("https://c.example", KeySet.of(COLLECTIVE.publicKey()))
            .acceptAudience("https://c.example").cacheBytes(0).build();
    static final WebBotAuthVerifier SIGNATURES = WebBotAuthVerifier.builder().cacheBytes(0).build();
    static final RecordVerifier RECORDS = new RecordVerifier(new ManifestContext((ObjectNode) Json.mapper().createObjectNode()
            .put("type", "cb4i-manifest"), TrustStore.empty()), Usage.AI_TRAIN);

    static {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        TOKEN = LicenseTokens.issue(new LicenseClaims("https://c.example", "crawler-co", List.of("https://c.example"), "lic-1", now, now,
                now.plus(Duration.ofDays(1)), new Confirmation(CRAWLER.publicKey()), EnumSet.of(Usage.AI_TRAIN), List.of(), Quota.NONE,
                Optional.empty(), Optional.empty()), COLLECTIVE);
    }

    @Property
    void anyStringAsALicenseIsRefusedWithAReason(@ForAll("tokenLike") String s) {
        assertThatThrownBy(() -> VERIFIER.verify(s)).isInstanceOf(Cb4iException.class);
    }

    @Property
    void noMutationOfASignedLicenseVerifies(@ForAll @IntRange(min = 0, max = 4000) int position, @ForAll("base64urlChar") char c) {
        int pos = position % TOKEN.length();
        if (TOKEN.charAt(pos) == c) {
            return;
        }
        String mutated = TOKEN.substring(0, pos) + c + TOKEN.substring(pos + 1);
        assertThatThrownBy(() -> VERIFIER.verify(mutated)).isInstanceOf(Cb4iException.class);
    }

    @Property
    void signatureFieldsAreParsedOrRefused(@ForAll("structuredField") String input, @ForAll("structuredField") String signature) {
        SignedRequest r = SignedRequest.of("GET", URI.create("https://a.example/x"), Map.of("signature-input", List.of(input), "signature",
                List.of(signature)));
        assertThatThrownBy(() -> SIGNATURES.verify(r, SignaturePolicy.REUSABLE, (k, a) -> Optional.of(CRAWLER.publicKey())))
                .isInstanceOf(Cb4iException.class);
    }

    @Property
    void statusListsAreDecodedOrRefused(@ForAll("base64url") String lst, @ForAll @IntRange(min = 0, max = 9) int bits) {
        try {
            StatusList l = StatusList.decode(bits, lst);
            assertThat(l.size()).isGreaterThanOrEqualTo(0);
        } catch (Cb4iException e) {
            assertThat(e.reason()).isNotNull();
        }
    }

    @Property
    void anyManifestRecordGetsAVerdict(@ForAll("recordLike") String line) {
        byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ManifestRecord read;
        try {
            read = ManifestRecord.read(bytes); // the way DatasetVerifier reads a line
        } catch (MalformedInputException e) {
            read = null; // reported as MALFORMED with its line number
        }
        JsonNode n;
        try {
            n = Json.readTree(line);
        } catch (java.io.IOException e) {
            assertThat(read).as("a line the tree parser refuses is refused by the record reader too").isNull();
            return;
        }
        if (n instanceof ObjectNode rec) {
            assertThat(read).as("a JSON object is read as a record").isNotNull();
            RecordResult fromTree = RECORDS.verify(rec, Optional.of(bytes));
            RecordResult fromBytes = RECORDS.verify(read, Optional.of(bytes));
            assertThat(fromBytes.status()).isEqualTo(fromTree.status());
            assertThat(fromBytes.findings()).isEqualTo(fromTree.findings());
        } else {
            assertThat(read).as("JSON that is not an object is no record").isNull();
        }
    }

    @Provide
    Arbitrary<String> tokenLike() {
        Arbitrary<String> segment = Arbitraries.strings().withChars("ABCDEFabcdef0123456789-_=+/.{}\":").ofMaxLength(200);
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(300), segment,
                segment.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join(".", l)),
                Arbitraries.of(TOKEN.split("\\.")).list().ofMinSize(1).ofMaxSize(5).map(l -> String.join(".", l)))
                .filter(s -> !s.equals(TOKEN)); // the one string that is the signed license itself
    }

    @Provide
    Arbitrary<Character> base64urlChar() {
        return Arbitraries.chars().with("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ");
    }

    @Provide
    Arbitrary<String> base64url() {
        return Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=").ofMaxLength(400);
    }

    @Provide
    Arbitrary<String> structuredField() {
        Arbitrary<String> atoms = Arbitraries.of("sig1", "sig2", "=", "(", ")", "\"@authority\"", "\"@method\"", "\"@target-uri\"", ";", "created=",
                "expires=", "1700000000", "9999999999", "-1", "keyid=", "\"" + CRAWLER.thumbprint() + "\"", "tag=", "\"web-bot-auth\"", "alg=",
                "\"ed25519\"", ":", "AAAA", "==", ",", " ", "*", "\"signature-agent\";key=\"a\"", "?1", "1.5", "%", "\\\"");
        return Arbitraries.oneOf(atoms.list().ofMaxSize(40).map(l -> String.join("", l)), Arbitraries.strings().ofMaxLength(200));
    }

    @Provide
    Arbitrary<String> recordLike() {
        String valid = "{\"id\":1,\"url\":\"https://news.example/a\",\"fetched_at\":1777636800,\"outcome\":\"fetched\",\"content_type\":\"text/html\","
                + "\"bytes_sha256\":\"" + "ab".repeat(32) + "\",\"text\":{\"sha256\":\"" + "cd".repeat(32) + "\",\"kept\":\"x\",\"paragraph_digests\":[\"00\"]},"
                + "\"license\":\"lic-1\",\"credential\":\"a.b.c\",\"receipt\":{\"log\":\"L\",\"rid\":\"r\",\"entry\":\"{}\",\"index\":-1,"
                + "\"inclusion_proof\":[\"zz\"],\"checkpoint\":\"x.y.z\"},\"warc\":{\"file\":\"../x\",\"offset\":-5,\"length\":1}}";
        Arbitrary<Integer> positions = Arbitraries.integers().between(0, valid.length() - 1);
        Arbitrary<String> junk = Arbitraries.of("", "null", "1", "-1", "\"\"", "[]", "{}", "1e309", "\"\\u0000\"", "true", "9223372036854775808");
        return Arbitraries.oneOf(Arbitraries.just(valid),
                net.jqwik.api.Combinators.combine(positions, positions, junk).as((a, b, j) -> {
                    int from = Math.min(a, b);
                    int to = Math.max(a, b);
                    return valid.substring(0, from) + j + valid.substring(to);
                }));
    }
}
