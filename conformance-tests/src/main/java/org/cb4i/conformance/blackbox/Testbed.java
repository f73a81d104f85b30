package org.cb4i.conformance.blackbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.Deflater;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.SigningKey;

/**
 * What the black-box suite runs against a proxy: the controlled origin the proxy forwards to, the collective
 * (its fixed key, its status lists) whose licenses the proxy trusts, crawler keys, and the means to mint licenses,
 * sign requests and send them byte for byte. Tokens, status lists and signatures are written here from the spec's
 * text (JSON by hand, JWS by hand, signature bases by hand) rather than by the SDK that the proxy under test may
 * share: only the Ed25519 arithmetic and key thumbprints come from the SDK.
 *
 * <p>The profile a proxy must be configured with is {@link Profile}.
 */
public final class Testbed implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    /** The body every origin path answers with (a small article). */
    public static final byte[] ORIGIN_BODY = ("<!doctype html><html><head><title>Conformance</title></head><body><article>"
            + "<h1>Conformance origin</h1>" + "<p>Collective bargaining for information lets people who create it set its terms.</p>".repeat(40)
            + "</article></body></html>").getBytes(StandardCharsets.UTF_8);

    final WireMockServer origin;
    final WireMockServer collective;
    final SigningKey issuerKey = fixtureKey();
    /** The crawler whose key licenses are bound to. */
    public final SigningKey crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
    /** A second licensee's crawler. */
    public final SigningKey otherCrawler = KeyFiles.generate(KeyAlgorithm.ED25519);
    private URI proxy;
    /** The status list every license names unless a check says otherwise: indices 7, 8, 9 revoked, suspended, payment overdue. */
    public final String mainStatusList;

    /**
     * Starts the origin and the collective's server.
     *
     * @param originAt where the origin listens (port 0: any)
     * @param collectiveAt where the collective's keys and status lists are served (port 0: any)
     */
    public Testbed(InetSocketAddress originAt, InetSocketAddress collectiveAt) {
        origin = new WireMockServer(wireMockConfig().bindAddress(originAt.getHostString()).port(originAt.getPort()));
        collective = new WireMockServer(wireMockConfig().bindAddress(collectiveAt.getHostString()).port(collectiveAt.getPort()));
        origin.start();
        collective.start();
        origin.stubFor(any(urlPathMatching("/.*")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html; charset=utf-8").withBody(ORIGIN_BODY)));
        origin.stubFor(any(urlPathMatching("/licensed/nostore.*")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html; charset=utf-8").withHeader("Cache-Control", "no-store").withBody(ORIGIN_BODY)));
        origin.stubFor(any(urlPathMatching("/open/reset.*")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        origin.stubFor(any(urlPathMatching("/open/slow.*")).willReturn(aResponse().withStatus(200).withFixedDelay(Profile.SLOW_ORIGIN_MS).withBody("late")));
        origin.stubFor(get("/robots.txt").willReturn(aResponse().withBody("User-agent: *\nAllow: /\n")));
        collective.stubFor(get("/jwks").willReturn(aResponse().withHeader("Content-Type", "application/jwk-set+json").withBody(jwks())));
        serveConsent(Instant.now().plusSeconds(3 * 3600), null);
        serveOffers();
        mainStatusList = statusList("main", new int[] {0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 0, 0}, Duration.ofSeconds(300),
                Instant.now().plusSeconds(3600), Instant.now().minusSeconds(1));
    }

    /** The member's key with which the proxy asks for the member's consent ([CNS-3]): a published test fixture. */
    public static String memberKeyJson() {
        return resource("member.private.jwk");
    }

    public static SigningKey memberKey() {
        return SigningKey.fromJson(memberKeyJson());
    }

    // ---- the member's consent ([CNS-1]) ----

    private long consentVersion;

    /** The opt-out the profile promises: a usage, an agreement and works by path. */
    public static ObjectNode profileOptOut() {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("usages").add(Profile.OPTED_OUT_USAGE);
        o.putArray("agreements").add(Profile.LEFT_AGREEMENT);
        o.putArray("paths").add(Profile.WITHHELD);
        return o;
    }

    /**
     * Serves a new consent document of the member at {@code /consent} (a higher version than any served so far), written
     * here from [CNS-1]: the profile's opt-out plus {@code morePaths}, valid until {@code exp}.
     *
     * @return the version served
     */
    public synchronized long serveConsent(Instant exp, String morePath) {
        return serveConsentVersion(++consentVersion, exp, morePath);
    }

    /** Serves a document of a given version (an older one, to see that it is not taken). */
    public synchronized long serveConsentVersion(long version, Instant exp, String morePath) {
        ObjectNode c = JSON.createObjectNode();
        long now = Instant.now().getEpochSecond();
        c.put("iss", Profile.ISSUER_ID);
        c.put("sub", Profile.PUBLISHER);
        c.put("iat", now);
        c.put("exp", exp.getEpochSecond());
        c.put("version", version);
        c.put("ttl", Profile.CONSENT_TTL_SECONDS);
        ObjectNode o = profileOptOut();
        if (morePath != null) {
            ((com.fasterxml.jackson.databind.node.ArrayNode) o.get("paths")).add(morePath);
        }
        c.set("opt_out", o);
        collective.stubFor(get(urlPathEqualTo("/consent")).willReturn(aResponse().withHeader("Content-Type", "application/consent+jwt")
                .withBody(jws(issuerKey, "consent+jwt", "EdDSA", c))));
        return version;
    }

    /**
     * Serves the collective's open offers at {@code /offers} ([OFR-2]): one offer, written here from [OFR-1], granting
     * ai-train at {@link Profile#OFFER_PER_REQUEST} EUR a request.
     */
    void serveOffers() {
        long now = Instant.now().getEpochSecond();
        ObjectNode c = JSON.createObjectNode();
        c.put("iss", Profile.ISSUER_ID);
        c.put("jti", Profile.OFFER_ID);
        c.put("iat", now);
        c.put("exp", now + 30 * 86400);
        ObjectNode grant = c.putObject("grant");
        grant.putArray("usages").add("ai-train");
        grant.putObject("price").put("currency", "EUR").put("per_request", Profile.OFFER_PER_REQUEST);
        c.putObject("term").put("not_after", now + 365 * 86400);
        String base = collectiveBase().toString();
        ObjectNode item = JSON.createObjectNode();
        item.put("id", Profile.OFFER_ID);
        item.put("url", base + "/offers/" + Profile.OFFER_ID);
        item.put("accept", base + "/offers/" + Profile.OFFER_ID + "/accept");
        item.set("usages", grant.get("usages"));
        item.set("price", grant.get("price"));
        item.put("not_after", now + 365 * 86400);
        item.put("accept_until", now + 30 * 86400);
        item.put("jws", jws(issuerKey, "offer+jwt", "EdDSA", c));
        ObjectNode list = JSON.createObjectNode();
        list.putArray("offers").add(item);
        collective.stubFor(get(urlPathEqualTo("/offers")).willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(list.toString())));
    }

    /** Makes {@code /consent} answer 503, as an issuer that is down. */
    public void consentDown() {
        collective.stubFor(get(urlPathEqualTo("/consent")).willReturn(aResponse().withStatus(503)));
    }

    /** The requests the collective's server received for the member's consent. */
    public List<LoggedRequest> consentRequests() {
        return collective.findAll(anyRequestedFor(urlPathEqualTo("/consent")));
    }

    /**
     * Waits until the proxy asked for the member's consent after {@code since} (it fetches it at start, and again every
     * ttl): true when it did within {@code within}.
     */
    public boolean awaitConsentFetch(Instant since, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        do {
            if (consentRequests().stream().anyMatch(r -> r.getLoggedDate().toInstant().isAfter(since))) {
                return true;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return false;
    }

    /** The collective's key: a published test fixture, so that a third-party proxy can be configured with it ahead of a run. */
    static SigningKey fixtureKey() {
        return SigningKey.fromJson(resource("collective.private.jwk"));
    }

    /** The collective's key set, as a proxy under test is configured with it. */
    public static String jwks() {
        return resource("collective.jwks.json");
    }

    static String resource(String name) {
        try (InputStream in = Testbed.class.getResourceAsStream("/org/cb4i/conformance/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The collective's signing key (the published fixture). */
    public SigningKey issuerKey() {
        return issuerKey;
    }

    /** Points the suite at the proxy under test. */
    public Testbed proxy(URI base) {
        this.proxy = base;
        return this;
    }

    public URI proxy() {
        return proxy;
    }

    public int originPort() {
        return origin.port();
    }

    public URI collectiveBase() {
        return URI.create("http://127.0.0.1:" + collective.port());
    }

    /** The proxy's authority as a client writes it in {@code Host}. */
    public String authority() {
        return proxy.getHost() + ":" + (proxy.getPort() < 0 ? 80 : proxy.getPort());
    }

    /** A fresh marker for paths, so that a check can tell its own requests at the origin. */
    public static String mark() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return "m" + B64URL.encodeToString(b).replace('-', 'x').replace('_', 'y');
    }

    // ---- licenses ----

    /** The claims of a license a crawler would get: bound to {@link #crawler}, ai-train, valid for an hour, status index 0. */
    public ObjectNode claims() {
        return claims(crawler);
    }

    public ObjectNode claims(SigningKey key) {
        long now = Instant.now().getEpochSecond();
        ObjectNode c = JSON.createObjectNode();
        c.put("iss", Profile.ISSUER_ID);
        c.put("sub", key == crawler ? "conformance-crawler" : "other-crawler");
        c.put("aud", Profile.ISSUER_ID);
        c.put("jti", "lic-" + mark());
        c.put("iat", now - 5);
        c.put("exp", now + 3600);
        ObjectNode cnf = c.putObject("cnf");
        cnf.put("jkt", key.thumbprint());
        ObjectNode jwk = cnf.putObject("jwk");
        Map<String, Object> pub = key.publicKey().toJsonObject();
        for (String m : List.of("kty", "crv", "x", "y")) {
            if (pub.get(m) != null) {
                jwk.put(m, pub.get(m).toString());
            }
        }
        c.putArray("usages").add("ai-train");
        c.putObject("status").putObject("status_list").put("idx", 0).put("uri", mainStatusList);
        return c;
    }

    /** A license token: the claims signed by the collective with {@code typ: license+jwt}. */
    public String license(ObjectNode claims) {
        return jws(issuerKey, "license+jwt", "EdDSA", claims);
    }

    public String license(Consumer<ObjectNode> edit) {
        ObjectNode c = claims();
        edit.accept(c);
        return license(c);
    }

    public String license() {
        return license(claims());
    }

    /** A compact JWS written by hand: header {alg, typ, kid}, the payload as given. */
    public static String jws(SigningKey key, String typ, String alg, Object payload) {
        ObjectNode h = JSON.createObjectNode().put("alg", alg).put("typ", typ).put("kid", key.thumbprint());
        try {
            String input = B64URL.encodeToString(JSON.writeValueAsBytes(h)) + "." + B64URL.encodeToString(JSON.writeValueAsBytes(payload));
            return input + "." + B64URL.encodeToString(key.sign(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- status lists ----

    /**
     * Serves a status list at {@code /status/NAME} (2 bits per index, the given values) and returns its URI.
     * Re-serving the same name replaces what is served.
     */
    public String statusList(String name, int[] values, Duration ttl, Instant exp, Instant iat) {
        byte[] packed = new byte[(values.length * 2 + 7) / 8];
        for (int i = 0; i < values.length; i++) {
            packed[i / 4] |= (byte) ((values[i] & 3) << ((i % 4) * 2));
        }
        String uri = collectiveBase() + "/status/" + name;
        serveStatusToken(name, statusToken(uri, 2, B64URL.encodeToString(zlib(packed)), ttl, exp, iat, issuerKey, "statuslist+jwt"));
        return uri;
    }

    /** A status list token written by hand (for malformed variants). */
    public String statusToken(String sub, int bits, String lst, Duration ttl, Instant exp, Instant iat, SigningKey key, String typ) {
        ObjectNode c = JSON.createObjectNode();
        c.put("sub", sub);
        c.put("iat", iat.getEpochSecond());
        c.put("exp", exp.getEpochSecond());
        c.put("ttl", ttl.toSeconds());
        c.putObject("status_list").put("bits", bits).put("lst", lst);
        return jws(key, typ, "EdDSA", c);
    }

    public String statusUri(String name) {
        return collectiveBase() + "/status/" + name;
    }

    public void serveStatusToken(String name, String token) {
        collective.stubFor(get(urlPathEqualTo("/status/" + name)).willReturn(aResponse()
                .withHeader("Content-Type", "application/statuslist+jwt").withBody(token)));
    }

    /** Makes {@code /status/NAME} answer 503, as an issuer that is down. */
    public void failStatusList(String name) {
        collective.stubFor(get(urlPathEqualTo("/status/" + name)).willReturn(aResponse().withStatus(503)));
    }

    /** The requests the collective's server received for a status list. */
    public List<LoggedRequest> statusFetches(String name) {
        return collective.findAll(anyRequestedFor(urlPathEqualTo("/status/" + name)));
    }

    /** DEFLATE in the zlib format (RFC 1950), as status lists carry it. */
    public static byte[] zlib(byte[] data) {
        Deflater d = new Deflater();
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    // ---- requests ----

    /** A request with {@code Host} (the proxy's authority), a browser-free user agent and {@code Connection: close}. */
    public HttpExchange.Request request(String method, String target) {
        return HttpExchange.request(method, target).header("Host", authority()).header("Connection", "close");
    }

    /** A GET as an AI crawler (user agent GPTBot) with no credentials. */
    public HttpExchange.Request crawlerGet(String target) {
        return request("GET", target).header("User-Agent", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)");
    }

    /** A GET as a browser. */
    public HttpExchange.Request humanGet(String target) {
        return request("GET", target).header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0");
    }

    /** A licensed GET: the license, and a fresh signature by {@code key} covering {@code components}. */
    public HttpExchange.Request licensedGet(String target, String token, SigningKey key, String... components) {
        HttpExchange.Request r = crawlerGet(target).header("Authorization", "License " + token);
        return sign(r, key, components.length == 0 ? new String[] {"@authority"} : components);
    }

    /** A licensed GET with the default license and crawler, signed for the reusable policy. */
    public HttpExchange.Request licensedGet(String target) {
        return licensedGet(target, license(), crawler);
    }

    public HttpExchange.Request sign(HttpExchange.Request r, SigningKey key, String... components) {
        long now = Instant.now().getEpochSecond();
        return Signatures.sign(this, r, key, List.of(components), Signatures.params(key.thumbprint(), now, now + 60));
    }

    public HttpExchange.Response send(HttpExchange.Request r) throws IOException {
        return HttpExchange.send(proxy, r, Duration.ofSeconds(15));
    }

    /** The requests the origin received whose URL contains {@code marker}. */
    public List<LoggedRequest> originSaw(String marker) {
        return origin.findAll(anyRequestedFor(urlPathMatching(".*" + marker + ".*")));
    }

    @Override
    public void close() {
        origin.stop();
        collective.stop();
    }
}
