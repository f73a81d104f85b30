package org.cb4i.sdk.httpsig;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.cb4i.sdk.MutableClock;
import org.cb4i.sdk.fetch.BoundedFetcher;
import org.cb4i.sdk.fetch.FetchPolicy;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeyDirectoryTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
    final SigningKey crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
    WireMockServer server;
    KeyDirectory directory;
    URI agent;

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort());
        server.start();
        agent = URI.create("http://127.0.0.1:" + server.port());
        directory = new KeyDirectory(new BoundedFetcher(FetchPolicy.strict().allowPrivateAddresses().allowPlainHttp()), clock, Duration.ofMinutes(10));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    void serve(String body) {
        server.stubFor(get(KeyDirectory.WELL_KNOWN).willReturn(aResponse().withHeader("Content-Type", KeyDirectory.MEDIA_TYPE).withBody(body)));
    }

    @Test
    void keyIsFoundByKeyidUnderItsAgent_andAnOutageKeepsIt() {
        serve(Json.write(KeySet.of(crawler.publicKey()).toJsonObject()));
        Map<String, URI> agents = Map.of("sig1", agent);
        assertThat(directory.find(crawler.thumbprint(), agents)).isPresent();
        assertThat(directory.find(crawler.thumbprint(), Map.of())).as("no agent, no lookup").isEmpty();
        server.stubFor(get(KeyDirectory.WELL_KNOWN).willReturn(aResponse().withStatus(503)));
        clock.advance(Duration.ofMinutes(11));
        assertThat(directory.find(crawler.thumbprint(), agents)).as("kept through the outage").isPresent();
    }

    @Test
    void keyRemovedFromTheDirectory_stopsVerifyingAfterTheTtl() {
        SigningKey other = KeyFiles.generate(KeyAlgorithm.ED25519);
        serve(Json.write(KeySet.of(crawler.publicKey()).toJsonObject()));
        assertThat(directory.find(crawler.thumbprint(), Map.of("", agent))).isPresent();
        serve(Json.write(KeySet.of(other.publicKey()).toJsonObject()));
        clock.advance(Duration.ofMinutes(11));
        assertThat(directory.find(crawler.thumbprint(), Map.of("", agent))).isEmpty();
    }

    @Test
    void keyWhoseKidIsNotItsThumbprint_isIgnored() {
        Map<String, Object> jwk = new java.util.LinkedHashMap<>(crawler.publicKey().toJsonObject());
        jwk.put("kid", "NFcWBst6DXG-N35nHdzMrioWntdzNZghQSkjHNMMSjw");
        serve(Json.write(Map.of("keys", List.of(jwk))));
        assertThat(directory.keysOf(agent)).isEmpty();
    }

    @Test
    void wrongMediaType_isNotRead() {
        server.stubFor(get(KeyDirectory.WELL_KNOWN).willReturn(aResponse().withHeader("Content-Type", "text/html")
                .withBody(Json.write(KeySet.of(crawler.publicKey()).toJsonObject()))));
        assertThat(directory.keysOf(agent)).isEmpty();
    }
}
