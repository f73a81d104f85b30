package org.cb4i.sdk.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.json.Json;
import org.junit.jupiter.api.Test;

/** [DST-1] as the verifier reads a record line: members it uses, members it skips, and lines that are not records. */
class ManifestRecordTest {
    static ManifestRecord read(String line) {
        return ManifestRecord.read(line.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void read_takesTheMembersTheChecksUse_andSkipsUnknownOnes() {
        String h = "ab".repeat(32);
        ManifestRecord r = read("{\"id\":7,\"future\":{\"x\":[1,{\"y\":2}]},\"url\":\"https://s.example/a\",\"fetched_at\":1700000000.9,"
                + "\"content_type\":\"text/html\",\"bytes_sha256\":\"" + h + "\",\"text\":{\"sha256\":\"t\",\"kept\":\"k\",\"paragraph_digests\":[\"d1\",\"d2\"]},"
                + "\"credential\":\"c.c.c\",\"license\":\"lic-1\",\"receipt\":{\"log\":\"L\",\"rid\":\"R\",\"entry\":\"{}\",\"index\":\"3\","
                + "\"inclusion_proof\":[\"" + h + "\",\"" + h.toUpperCase() + "\"],\"checkpoint\":\"cp\",\"more\":null},"
                + "\"warc\":{\"file\":\"data.warc.gz\",\"offset\":42}}");
        assertThat(r.id()).hasValue(7);
        assertThat(r.url()).isEqualTo("https://s.example/a");
        assertThat(r.fetchedAt()).as("a fraction is truncated, as Jackson's asLong does").hasValue(1_700_000_000L);
        assertThat(r.bytesSha256()).hasValue(h);
        assertThat(r.text().orElseThrow().kept()).hasValue("k");
        assertThat(r.text().orElseThrow().paragraphDigests()).containsExactly("d1", "d2");
        assertThat(r.license()).hasValue("lic-1");
        ManifestRecord.Receipt receipt = r.receipt().orElseThrow();
        assertThat(receipt.index()).as("a number in a string, as asLong reads it").isEqualTo(3);
        assertThat(receipt.proofProblem()).isEmpty();
        assertThat(receipt.inclusionProof()).hasSize(2).allSatisfy(b -> assertThat(b).isEqualTo(HexFormat.of().parseHex(h)));
        assertThat(r.warc().orElseThrow()).isEqualTo(new ManifestRecord.Warc("data.warc.gz", 42));
        assertThat(r.outcome()).isEmpty();
    }

    @Test
    void read_membersOfTheWrongType_readAsAbsentOrAsTheirText() {
        ManifestRecord r = read("{\"id\":\"x\",\"url\":5,\"fetched_at\":\"1700000000\",\"bytes_sha256\":1,\"text\":\"plain\",\"credential\":null,"
                + "\"license\":[1],\"receipt\":7,\"warc\":{\"offset\":1}}");
        assertThat(r.id()).as("present, not a number").hasValue(0);
        assertThat(r.url()).isEqualTo("5");
        assertThat(r.fetchedAt()).as("only a JSON number is a time").isEmpty();
        assertThat(r.bytesSha256()).isEmpty();
        assertThat(r.text().orElseThrow().sha256()).isEmpty();
        assertThat(r.credential()).isEmpty();
        assertThat(r.license()).hasValue("");
        assertThat(r.receipt().orElseThrow().entry()).isEmpty();
        assertThat(r.warc()).as("no file named").isEmpty();
        assertThat(read("{\"fetched_at\":1e300}").fetchedAt()).as("beyond a long").isEmpty();
        assertThat(read("{\"fetched_at\":123456789012345678901234567890}").fetchedAt()).isEmpty();
        assertThat(read("{\"outcome\":\"refused\"}").outcome()).hasValue("refused");
    }

    @Test
    void read_aBadProofHash_isTheRecordsProblem_namingTheFirstOne() {
        String h = "00".repeat(32);
        for (String bad : new String[] {"\"" + "zz".repeat(32) + "\"", "\"00\"", "\"\"", "\"" + "ab".repeat(33) + "\"", "7", "null", "[\"" + h + "\"]",
            "\"" + "0".repeat(63) + "g\"", "\"" + "0".repeat(63) + "\u0660\""}) {
            ManifestRecord.Receipt r = read("{\"receipt\":{\"inclusion_proof\":[\"" + h + "\"," + bad + ",\"zz\"]}}").receipt().orElseThrow();
            assertThat(r.proofProblem()).as(bad).hasValue("the receipt's inclusion_proof[1] is not a SHA-256 hash in hex (64 hex digits)");
            assertThat(r.inclusionProof()).isEmpty();
        }
        String escaped = "\\u0030".repeat(64); // a JSON escape of "0": the same string as 64 zeros, so the same hash
        assertThat(read("{\"receipt\":{\"inclusion_proof\":[\"" + escaped + "\"]}}").receipt().orElseThrow().inclusionProof())
                .singleElement().isEqualTo(new byte[32]);
        assertThat(read("{\"receipt\":{\"inclusion_proof\":{\"0\":\"" + h + "\"}}}").receipt().orElseThrow().proofProblem())
                .hasValue("the receipt's inclusion_proof is not an array of SHA-256 hashes");
        assertThat(read("{\"receipt\":{}}").receipt().orElseThrow().proofProblem()).as("no proof: nothing wrong with it as written").isEmpty();
    }

    @Test
    void hash_agreesWithHexFormat_forEveryCharacterInEveryPlace() {
        char[] digits = "0123456789abcdef".repeat(4).toCharArray();
        for (int place = 0; place < 64; place += 21) {
            for (int c = 0; c < 0x10000; c++) {
                char[] s = digits.clone();
                s[place] = (char) c;
                byte[] want;
                try {
                    want = HexFormat.of().parseHex(new String(s));
                } catch (IllegalArgumentException e) {
                    want = null;
                }
                assertThat(ManifestRecordParser.hash(s, 0, 64)).as("U+%04X at %d", c, place).isEqualTo(want);
            }
        }
        Random random = new Random(3);
        for (int n = 0; n < 1000; n++) {
            byte[] b = new byte[32];
            random.nextBytes(b);
            String hex = HexFormat.of().formatHex(b);
            char[] buf = ("xx" + (random.nextBoolean() ? hex : hex.toUpperCase()) + "yy").toCharArray();
            assertThat(ManifestRecordParser.hash(buf, 2, 64)).isEqualTo(b);
            byte[] line = ("[\"" + new String(buf, 2, 64) + "\"]").getBytes(StandardCharsets.ISO_8859_1);
            assertThat(ManifestRecordParser.hash(line, 1)).isEqualTo(b);
        }
        for (int c = 0; c < 0x100; c++) { // the line's bytes: every byte in one place, UTF-8 lead and continuation bytes too
            byte[] line = ("[\"" + "0123456789abcdef".repeat(4) + "\"]").getBytes(StandardCharsets.ISO_8859_1);
            line[2 + 17] = (byte) c;
            boolean digit = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            assertThat(ManifestRecordParser.hash(line, 1) != null).as("byte %02x", c).isEqualTo(digit);
        }
        assertThat(ManifestRecordParser.hash(("[\"" + "00".repeat(32) + "\"]").getBytes(StandardCharsets.ISO_8859_1), 0)).as("not at a quote").isNull();
        assertThat(ManifestRecordParser.hash(("[\"" + "00".repeat(32) + "0\"]").getBytes(StandardCharsets.ISO_8859_1), 1)).as("65 digits").isNull();
    }

    @Test
    void read_refusesWhatIsNotOneJsonObject() {
        for (String notJson : List.of("not json", "{\"id\":1", "{\"id\":1} {}", "{\"id\":1,\"id\":2}", "{\"a\":01}",
                "{\"unknown\":{\"a\":1,\"a\":2}}")) { // a duplicate inside a member that is skipped is refused too
            assertThatThrownBy(() -> read(notJson)).as(notJson).isInstanceOf(MalformedInputException.class).hasMessage("not JSON");
        }
        for (String notObject : List.of("[1]", "5", "\"x\"", "null")) {
            assertThatThrownBy(() -> read(notObject)).as(notObject).isInstanceOf(MalformedInputException.class).hasMessage("not a JSON object");
        }
        assertThatThrownBy(() -> ManifestRecord.read(new byte[] {'{', '"', 'u', 'r', 'l', '"', ':', '"', (byte) 0xC3, '"', '}'}))
                .as("invalid UTF-8").isInstanceOf(MalformedInputException.class);
        assertThatThrownBy(() -> ManifestRecord.read(new byte[] {'{', '"', 'z', '"', ':', '"', (byte) 0xC3, '"', '}'}))
                .as("invalid UTF-8 in a member that is skipped").isInstanceOf(MalformedInputException.class);
    }

    @Test
    void aRecordBuiltAsTheCrawlerBuildsIt_readsBackAsItWasWritten() throws Exception {
        byte[] h = new byte[32];
        h[0] = 7;
        ManifestRecord.Receipt rc = ManifestRecord.Receipt.named("L", "R", "https://s.example")
                .proven("{\"rid\":\"R\"}", 3, List.of(h, new byte[32]), java.util.OptionalLong.of(9), java.util.Optional.of("cp"), java.util.Optional.of(true));
        ManifestRecord written = new ManifestRecord.Builder("https://s.example/caf\u00e9", 1_780_000_000L).status(200).license("lic")
                .outcome("fetched", java.util.Optional.empty(), java.util.Optional.empty()).content("text/html", 12, "ab".repeat(32))
                .text(new ManifestRecord.Text("t", java.util.OptionalInt.of(2), java.util.Optional.of("root"), java.util.Optional.empty(), List.of("d1", "d2")))
                .credential("c.c.c").receipt(rc).warc(new ManifestRecord.Warc("data.warc.gz", 5, 6, java.util.Optional.of("urn:uuid:x"))).build().withId(4);
        byte[] line = written.toBytes();
        ManifestRecord read = ManifestRecord.read(line);
        assertThat(read).usingRecursiveComparison().isEqualTo(written);
        assertThat(read.toBytes()).as("written again, the same bytes").isEqualTo(line);
        assertThat(Json.readTree(new String(line, StandardCharsets.UTF_8)).get("receipt").get("inclusion_proof").get(0).asText())
                .isEqualTo(HexFormat.of().formatHex(h));

        ManifestRecord refused = new ManifestRecord.Builder("https://s.example/b", 1L)
                .outcome("refused", java.util.Optional.of("LICENSE_REQUIRED"), java.util.Optional.of("402")).build();
        assertThat(new String(refused.toBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"url\":\"https://s.example/b\",\"fetched_at\":1,\"outcome\":\"refused\",\"reason\":\"LICENSE_REQUIRED\",\"detail\":\"402\"}");
        ManifestRecord unproven = new ManifestRecord.Builder("u", 2L).receipt(ManifestRecord.Receipt.named("L", "R", "o").failed("not covered")).build();
        assertThat(new String(unproven.toBytes(), StandardCharsets.UTF_8)).as("no entry: no index, no proof")
                .isEqualTo("{\"url\":\"u\",\"fetched_at\":2,\"receipt\":{\"log\":\"L\",\"rid\":\"R\",\"origin\":\"o\",\"error\":\"not covered\"}}");
    }

    @Test
    void of_readsATreeAsTheBytesAreRead() throws Exception {
        String line = "{\"id\":3,\"url\":\"https://s.example/b\",\"fetched_at\":5,\"bytes_sha256\":\"x\",\"receipt\":{\"inclusion_proof\":[\""
                + "cd".repeat(32) + "\"],\"entry\":\"{\\\"rid\\\":\\\"r\\\"}\"}}";
        ManifestRecord fromBytes = read(line);
        ManifestRecord fromTree = ManifestRecord.of((com.fasterxml.jackson.databind.node.ObjectNode) Json.readTree(line));
        assertThat(fromTree.id()).isEqualTo(fromBytes.id());
        assertThat(fromTree.receipt().orElseThrow().entry()).isEqualTo(fromBytes.receipt().orElseThrow().entry()).hasValue("{\"rid\":\"r\"}");
        assertThat(fromTree.receipt().orElseThrow().inclusionProof().get(0)).isEqualTo(fromBytes.receipt().orElseThrow().inclusionProof().get(0));
    }
}
