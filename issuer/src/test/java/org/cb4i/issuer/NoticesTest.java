package org.cb4i.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.notice.Notice;
import org.junit.jupiter.api.Test;

/**
 * [NTC-1] [NTC-2]: every strike, its end, a termination and a removal is published as a signed notice, listed newest
 * first in a public JSON Feed that pages by 100; a suspension for an overdue payment is not public.
 */
class NoticesTest extends IssuerFixture {
    Notice verified(String jws) {
        return Notice.verify(jws, KeySet.of(collectiveKey.publicKey()));
    }

    @Test
    void strikesTheirEndAndTerminationsArePublishedAsSignedNotices_inAPublicFeed() throws Exception {
        assertThat(json(get("/.well-known/cb4i")).get("notices").textValue()).isEqualTo("https://licenses.collective.example/notices");
        JsonNode empty = json(get("/notices"));
        assertThat(empty.get("version").textValue()).isEqualTo("https://jsonfeed.org/version/1.1");
        assertThat(empty.get("items")).isEmpty();

        assertThat(json(admin(Map.of("op", "strike", "licensee", "crawler-co", "reason", "unpaid invoices for 90 days"))).get("notice").textValue())
                .isEqualTo("N1");
        admin(Map.of("op", "resume", "licensee", "crawler-co", "reason", "paid in full"));
        admin(Map.of("op", "suspend", "licensee", "crawler-co", "reason", "payment-overdue"));
        assertThat(json(admin(Map.of("op", "resume", "licensee", "crawler-co"))).has("notice")).as("an overdue payment's end is not public")
                .isFalse();
        admin(Map.of("op", "agreement.terminate", "id", "a1", "reason", "breach of clause 4"));

        HttpResponse<String> r = get("/notices");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/feed+json");
        JsonNode items = json(r).get("items");
        assertThat(items).hasSize(3);
        assertThat(items.get(0).get("title").textValue()).isEqualTo("Agreement terminated: agreement a1");
        assertThat(items.get(2).get("id").textValue()).isEqualTo("https://licenses.collective.example/notices/N1");
        Notice first = verified(items.get(2).at("/_cb4i/jws").textValue());
        assertThat(first.kind()).isEqualTo("strike");
        assertThat(first.scope()).isEqualTo(Map.of("licensee", "crawler-co"));
        assertThat(first.reason()).isEqualTo("unpaid invoices for 90 days");
        assertThat(first.issuer()).isEqualTo(ID);
        assertThat(verified(items.get(1).at("/_cb4i/jws").textValue()).kind()).isEqualTo("resume");
        HttpResponse<String> one = get("/notices/N1");
        assertThat(one.headers().firstValue("Content-Type")).hasValue(Notice.MEDIA_TYPE);
        assertThat(one.body()).isEqualTo(first.compact());
        assertThat(get("/notices/N99").statusCode()).isEqualTo(404);
        assertThat(get("/notices?before=x").statusCode()).isEqualTo(400);
    }

    @Test
    void theFeedPagesByAHundred() throws Exception {
        for (int i = 0; i < 101; i++) {
            issuer.collective().publish("strike", Map.of("all", true), "round " + i, Optional.empty());
        }
        JsonNode page = json(get("/notices"));
        assertThat(page.get("items")).hasSize(100);
        assertThat(page.get("next_url").textValue()).isEqualTo("https://licenses.collective.example/notices?before=N2");
        JsonNode rest = json(get("/notices?before=N2"));
        assertThat(rest.get("items")).hasSize(1);
        assertThat(rest.at("/items/0/content_text").textValue()).isEqualTo("round 0");
        assertThat(rest.has("next_url")).isFalse();
    }
}
