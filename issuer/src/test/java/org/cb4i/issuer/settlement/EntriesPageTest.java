package org.cb4i.issuer.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.log.MerkleTree;
import org.cb4i.sdk.terms.PathPattern;
import org.junit.jupiter.api.Test;

/** How the collector reads an entries page ([SET-8]) and an entry's path ([CNS-8]) without building trees or URIs. */
class EntriesPageTest {
    @Test
    void aPageIsReadEntryByEntry_givenWhole_asLeafHash_archived_orWithout() {
        String entry = "{\"rid\":\"r1\",\"time\":1790000000,\"iss\":\"https://c.example\",\"licensee\":\"lab\",\"jti\":\"j\",\"jkt\":\"k\","
                + "\"method\":\"GET\",\"url\":\"https://news.example/a\",\"status\":200,\"bytes\":10,\"sha256\":\"" + "ab".repeat(32)
                + "\",\"usages\":[\"ai-train\"],\"complete\":true}";
        String leaf = HexFormat.of().formatHex(MerkleTree.leafHash("other".getBytes(StandardCharsets.UTF_8)));
        String page = "{\"log_id\":\"x\",\"checkpoint\":\"c\",\"extra\":{\"entries\":[1]},\"entries\":[" + "{\"index\":0,\"entry\":" + Json.write(entry)
                + "},{\"index\":1,\"leaf_hash\":\"" + leaf + "\"},{\"index\":2,\"leaf_hash\":\"" + leaf + "\",\"archived\":true},"
                + "{\"index\":3,\"entry\":\"not json\"},{\"leaf_hash\":\"" + leaf + "\"},{\"index\":5,\"leaf_hash\":\"XYZ\"},7],\"end\":7}";
        List<Collector.Served> served = Collector.readPage(page.getBytes(StandardCharsets.UTF_8), "page");
        assertThat(served).extracting(Collector.Served::index).containsExactly(0L, 1L, 2L, 3L, -1L, 5L, -1L);
        assertThat(served.get(0).leaf()).isEqualTo(MerkleTree.leafHash(entry.getBytes(StandardCharsets.UTF_8)));
        assertThat(served.get(0).entry().licensee()).isEqualTo("lab");
        assertThat(served.get(1).entry()).isNull();
        assertThat(HexFormat.of().formatHex(served.get(1).leaf())).isEqualTo(leaf);
        assertThat(served.get(2).archived()).isTrue();
        assertThat(served.get(3).unreadable()).as("a leaf of the tree, not a log entry").isTrue();
        assertThat(served.get(3).leaf()).isNotNull();
        assertThat(served.get(5).leaf()).as("a leaf hash that is not 64 hex digits").isNull();
        assertThat(served.get(6).leaf()).isNull();
    }

    @Test
    void aPageThatIsNotJson_orRepeatsAMember_isRefusedWithItsReason() {
        assertThatThrownBy(() -> Collector.readPage("{\"entries\":[".getBytes(StandardCharsets.UTF_8), "https://m.example/p"))
                .isInstanceOf(Cb4iException.class).hasMessageContaining("https://m.example/p is not acceptable JSON")
                .extracting(e -> ((Cb4iException) e).reason()).isEqualTo(Reason.MALFORMED_JSON);
        assertThatThrownBy(() -> Collector.readPage("[]".getBytes(StandardCharsets.UTF_8), "p")).isInstanceOf(Cb4iException.class)
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> Collector.readPage("{\"entries\":[],\"entries\":[]}".getBytes(StandardCharsets.UTF_8), "p"))
                .isInstanceOf(Cb4iException.class).extracting(e -> ((Cb4iException) e).reason()).isEqualTo(Reason.DUPLICATE_MEMBER);
        assertThatThrownBy(() -> Collector.readPage(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}, "p")).isInstanceOf(Cb4iException.class)
                .hasMessageContaining("not acceptable JSON");
    }

    /** The fast path gives what java.net.URI gives, for URLs of every shape a log may hold (20,000 of them, seeded). */
    @Test
    void anEntrysPath_isWhatTheUriParserGives() {
        Random r = new Random(2026);
        String[] schemes = {"https", "http", "HTTP", "1http", "ht+tp", ""};
        String[] hosts = {"news.example", "news.example:8443", "u:p@news.example", "[::1]:80", "", "a?b", "xn--n3h.example", "news.example#x"};
        String[] pieces = {"/", "a", "é", "%20", "%zz", "%4", "?", "#", "&", "=", " ", "\t", "[", "]", "{", "|", "\\", "^", "`", "\"", "<", "'", "(", "@",
                ":", ";", "+", ",", "$", "!", "*", "~", ".", "..", "-", "_", "%C3%A9", "\u2028", "//"};
        List<String> urls = new ArrayList<>(List.of("https://news.example", "https://news.example/", "https://news.example/a?", "https://news.example/a?#",
                "https://news.example/#f?x", "https://news.example?x=/y", "mailto:a@b", "https:/x/y", "https:///y"));
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder(schemes[r.nextInt(schemes.length)]).append("://").append(hosts[r.nextInt(hosts.length)]);
            int n = r.nextInt(8);
            for (int k = 0; k < n; k++) {
                b.append(pieces[r.nextInt(pieces.length)]);
            }
            urls.add(b.toString());
        }
        for (String url : urls) {
            Optional<String> expected;
            try {
                expected = Optional.of(PathPattern.pathAndQuery(java.net.URI.create(url)));
            } catch (IllegalArgumentException e) {
                expected = Optional.empty();
            }
            assertThat(Collector.Attribution.pathOf(url)).as(url).isEqualTo(expected);
        }
    }
}
