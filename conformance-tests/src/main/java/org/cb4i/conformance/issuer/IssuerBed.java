package org.cb4i.conformance.issuer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.Inflater;
import org.cb4i.conformance.blackbox.Expect;
import org.cb4i.conformance.blackbox.Testbed;
import org.cb4i.conformance.blackbox.Unmet;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.key.VerificationKey;

/**
 * The suite's side of an issuer under test (SPEC.md §13): its base URL, its admin token, and what the suite registers
 * there through the administration API ([ISS-6]) so that it can ask for licenses as a licensee would: a member site,
 * a licensee with a key only the suite holds, and an agreement in force. Requests are written from the spec's text:
 * form bodies, Web Bot Auth signatures and {@code private_key_jwt} assertions by hand; what the issuer signs is read by
 * splitting the compact JWS and checking its Ed25519 signature against the issuer's published keys.
 */
public final class IssuerBed {
    static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    static final SecureRandom RANDOM = new SecureRandom();

    final URI base;
    private final String adminToken;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final String run = Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
    final SigningKey licenseeKey = KeyFiles.generate(KeyAlgorithm.ED25519);
    final SigningKey otherKey = KeyFiles.generate(KeyAlgorithm.ED25519);
    /** The member's content key: with it, the member reads and changes its consent ([CNS-3], [CNS-6]). */
    final SigningKey memberKey = KeyFiles.generate(KeyAlgorithm.ED25519);
    final String licensee = "conformance-" + run;
    final String agreement = "conformance-" + run;
    final String member = "https://member-" + run + ".conformance.example";
    final Instant memberJoined;
    JsonNode discovery;

    public IssuerBed(URI base, String adminToken) throws Exception {
        this.base = URI.create(base.toString().replaceAll("/+$", ""));
        this.adminToken = adminToken;
        HttpResponse<String> d = get("/.well-known/cb4i");
        if (d.statusCode() != 200) {
            throw new IOException(base + "/.well-known/cb4i answered " + d.statusCode() + ": not an issuer the suite can check");
        }
        discovery = Testbed.JSON.readTree(d.body());
        SigningKey content = memberKey;
        memberJoined = Instant.now().minusSeconds(60);
        admin(Map.of("op", "member.add", "origin", member, "content_keys", KeySet.of(content.publicKey()).toJsonObject(), "joined",
                memberJoined.getEpochSecond()));
        admin(Map.of("op", "licensee.add", "id", licensee, "jwk", licenseeKey.publicKey().toJsonObject()));
        admin(Map.of("op", "agreement.add", "id", agreement, "licensee", licensee, "grant", Map.of("usages", List.of("ai-train")), "not_after",
                Instant.now().plus(Duration.ofDays(2)).getEpochSecond()));
    }

    /** What the suite registered, for people: the profile of an issuer run. */
    public String describe() {
        return "registered through POST /admin: member " + member + ", licensee " + licensee + " (key " + licenseeKey.thumbprint()
                + "), agreement " + agreement + " for ai-train until two days from now";
    }

    // ---- HTTP ----

    HttpResponse<String> get(String pathOrUri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(resolve(pathOrUri)).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String pathOrUri, String accept) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(resolve(pathOrUri)).timeout(Duration.ofSeconds(10)).header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code pathOrUri} against the base URL; an absolute URI from the discovery document is taken to the base's host. */
    URI resolve(String pathOrUri) {
        URI u = URI.create(pathOrUri);
        String rest = u.isAbsolute() ? u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()) : pathOrUri;
        return URI.create(base + rest);
    }

    HttpResponse<String> postForm(String path, String body, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String form(Map<String, String> params) {
        return params.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    /** An administration operation ([ISS-6]) that must succeed. */
    JsonNode admin(Map<String, Object> op) throws IOException, InterruptedException {
        HttpResponse<String> r = adminRaw(Testbed.JSON.writeValueAsString(op), adminToken);
        if (r.statusCode() != 200) {
            throw new Unmet("POST /admin " + op.get("op") + " answered " + r.statusCode() + ": " + r.body());
        }
        return Testbed.JSON.readTree(r.body());
    }

    /** An administration request with the admin token, as it is, whatever it answers. */
    HttpResponse<String> adminToken(String body) throws IOException, InterruptedException {
        return adminRaw(body, adminToken);
    }

    HttpResponse<String> adminRaw(String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve("/admin")).timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---- asking for a license ----

    /** The token endpoint as the discovery document names it. */
    URI tokenEndpoint() {
        return URI.create(discovery.path("token_endpoint").asText());
    }

    /**
     * A token request signed per request ([ISS-2], [POP-3]) by {@code key}: {@code @method}, {@code @target-uri} (the
     * scheme of the issuer's public URL, the authority the request is sent to) and {@code @authority}.
     */
    HttpResponse<String> tokenBySignature(SigningKey key, Map<String, String> params, long created, long expires) throws IOException,
            InterruptedException {
        return postForm(resolve(tokenEndpoint().toString()).getRawPath(), form(params), signedHeaders(key, created, expires));
    }

    /**
     * The {@code Signature-Input} and {@code Signature} of a token request signed per request ([ISS-2], [POP-3]) by
     * {@code key}: {@code @method}, {@code @target-uri} (the scheme of the issuer's public URL, the authority the request
     * is sent to) and {@code @authority}, with a fresh nonce.
     */
    Map<String, String> signedHeaders(SigningKey key, long created, long expires) {
        return signedHeaders(key, "POST", tokenEndpoint(), created, expires);
    }

    /**
     * The same for any request to an endpoint the issuer names ({@code named}: its scheme is the public URL's; the
     * authority is the one the request is sent to; the query is part of {@code @target-uri}).
     */
    Map<String, String> signedHeaders(SigningKey key, String method, URI named, long created, long expires) {
        URI to = resolve(named.toString());
        String authority = to.getRawAuthority().toLowerCase(java.util.Locale.ROOT);
        String target = named.getScheme() + "://" + authority + to.getRawPath() + (to.getRawQuery() == null ? "" : "?" + to.getRawQuery());
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String inner = "(\"@method\" \"@target-uri\" \"@authority\");created=" + created + ";expires=" + expires + ";keyid=\"" + key.thumbprint()
                + "\";alg=\"ed25519\";nonce=\"" + B64URL.encodeToString(nonce) + "\";tag=\"web-bot-auth\"";
        String sigBase = "\"@method\": " + method + "\n\"@target-uri\": " + target + "\n\"@authority\": " + authority + "\n\"@signature-params\": " + inner;
        String sig = Base64.getEncoder().encodeToString(key.sign(sigBase.getBytes(StandardCharsets.UTF_8)));
        return Map.of("Signature-Input", "sig1=" + inner, "Signature", "sig1=:" + sig + ":");
    }

    // ---- the member's consent ([CNS-3], [CNS-6]) ----

    /** The consent endpoint: as the discovery document names it, else {@code /consent} at the base URL. */
    URI consentEndpoint() {
        return URI.create(discovery.path("consent_endpoint").asText(base + "/consent"));
    }

    /** The member's consent document as {@code key} asks for it, signed per request; unsigned when {@code key} is null. */
    HttpResponse<String> consent(SigningKey key) throws IOException, InterruptedException {
        URI named = URI.create(consentEndpoint() + "?origin=" + URLEncoder.encode(member, StandardCharsets.UTF_8));
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve(named.toString())).timeout(Duration.ofSeconds(10)).GET();
        if (key != null) {
            long now = Instant.now().getEpochSecond();
            signedHeaders(key, "GET", named, now, now + 60).forEach(b::header);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A member's change of its consent: a {@code consent-request+jwt} written here, signed by {@code key}. */
    HttpResponse<String> changeConsent(SigningKey key, long iat, String jti, Map<String, Object> optOut) throws IOException, InterruptedException {
        ObjectNode c = Testbed.JSON.createObjectNode().put("sub", member).put("iat", iat).put("jti", jti);
        c.set("opt_out", Testbed.JSON.valueToTree(optOut));
        String compact = Testbed.jws(key, "consent-request+jwt", "EdDSA", c);
        return http.send(HttpRequest.newBuilder(resolve(consentEndpoint().toString())).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/consent-request+jwt").POST(HttpRequest.BodyPublishers.ofString(compact)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    // ---- the collective's decisions ([DEC-6], [DEC-7]) ----

    /** A member's {@code decision-request+jwt}, written here, signed by {@code key}: {@code propose} or {@code vote}. */
    HttpResponse<String> decide(SigningKey key, String jti, String what, Map<String, Object> body) throws IOException, InterruptedException {
        ObjectNode c = Testbed.JSON.createObjectNode().put("sub", member).put("iat", Instant.now().getEpochSecond()).put("jti", jti);
        c.set(what, Testbed.JSON.valueToTree(body));
        return http.send(HttpRequest.newBuilder(resolve("/decisions")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/decision-request+jwt")
                .POST(HttpRequest.BodyPublishers.ofString(Testbed.jws(key, "decision-request+jwt", "EdDSA", c))).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET /proposals}, signed per request by {@code key} (unsigned when null). */
    HttpResponse<String> proposals(SigningKey key) throws IOException, InterruptedException {
        URI named = URI.create(base + "/proposals");
        HttpRequest.Builder b = HttpRequest.newBuilder(named).timeout(Duration.ofSeconds(10)).GET();
        if (key != null) {
            long now = Instant.now().getEpochSecond();
            URI asNamed = URI.create(URI.create(discovery.path("token_endpoint").asText()).getScheme() + "://" + named.getRawAuthority() + "/proposals");
            signedHeaders(key, "GET", asNamed, now, now + 60).forEach(b::header);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A signed token request with this exact form body. */
    HttpResponse<String> tokenBySignature(String rawBody) throws IOException, InterruptedException {
        long now = Instant.now().getEpochSecond();
        return postForm(resolve(tokenEndpoint().toString()).getRawPath(), rawBody, signedHeaders(licenseeKey, now, now + 60));
    }

    HttpResponse<String> tokenBySignature(Map<String, String> params) throws IOException, InterruptedException {
        long now = Instant.now().getEpochSecond();
        return tokenBySignature(licenseeKey, params, now, now + 60);
    }

    /** The claims of an RFC 7523 client assertion for the licensee ([ISS-2]), to edit before {@link #tokenByAssertion}. */
    ObjectNode assertionClaims() {
        long now = Instant.now().getEpochSecond();
        byte[] jti = new byte[16];
        RANDOM.nextBytes(jti);
        return Testbed.JSON.createObjectNode().put("iss", licensee).put("sub", licensee).put("aud", tokenEndpoint().toString()).put("iat", now)
                .put("exp", now + 120).put("jti", B64URL.encodeToString(jti));
    }

    HttpResponse<String> tokenByAssertion(SigningKey key, ObjectNode claims) throws IOException, InterruptedException {
        String assertion = Testbed.jws(key, "JWT", "EdDSA", claims);
        return postForm(resolve(tokenEndpoint().toString()).getRawPath(), form(Map.of("grant_type", "client_credentials", "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion", assertion)), Map.of());
    }

    // ---- reading what the issuer signed ----

    /** The issuer's keys from {@code jwks_uri}. */
    KeySet keys() throws IOException, InterruptedException {
        HttpResponse<String> r = get(discovery.path("jwks_uri").asText());
        Expect.that(r.statusCode() == 200, "GET jwks_uri answered " + r.statusCode());
        return KeyFiles.parseKeySet(r.body(), "jwks_uri");
    }

    /** A compact JWS's header and claims, after its Ed25519 signature verified with the issuer's key its {@code kid} names. */
    JsonNode[] verified(String compact, String typ) throws IOException, InterruptedException {
        String[] parts = compact.split("\\.", -1);
        Expect.that(parts.length == 3, "not a compact JWS: " + compact);
        JsonNode header = Testbed.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = Testbed.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        Expect.that(typ.equals(header.path("typ").asText()), "typ " + header.path("typ") + ", expected " + typ);
        VerificationKey k = keys().find(header.path("kid").asText()).orElseThrow(() -> new Unmet("signed with kid " + header.path("kid")
                + ", which jwks_uri does not hold"));
        Expect.that(k.verify((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII), Base64.getUrlDecoder().decode(parts[2])),
                typ + " signature does not verify with the issuer's key " + k.thumbprint());
        return new JsonNode[] {header, claims};
    }

    /** The status values (2 bits each, [STS-2], [STS-3]) of a {@code statuslist+jwt}'s list. */
    static int valueAt(JsonNode statusList, long idx) {
        int bits = statusList.path("bits").asInt();
        byte[] packed = inflate(Base64.getUrlDecoder().decode(statusList.path("lst").asText()));
        long bit = idx * bits;
        if (bit / 8 >= packed.length) {
            return -1;
        }
        return (packed[(int) (bit / 8)] >> (int) (bit % 8)) & ((1 << bits) - 1);
    }

    static byte[] inflate(byte[] zlib) {
        Inflater inf = new Inflater();
        inf.setInput(zlib);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new Unmet("the status list's lst is not a whole zlib stream");
                }
                out.write(buf, 0, n);
            }
        } catch (java.util.zip.DataFormatException e) {
            throw new Unmet("the status list's lst is not zlib: " + e.getMessage());
        } finally {
            inf.end();
        }
        return out.toByteArray();
    }

    /** A license the suite asks for by signature, read: {token, claims}. */
    Map<String, Object> license() throws IOException, InterruptedException {
        HttpResponse<String> r = tokenBySignature(Map.of("grant_type", "client_credentials", "agreement", agreement));
        Expect.that(r.statusCode() == 200, "a signed token request answered " + r.statusCode() + ": " + r.body());
        JsonNode body = Testbed.JSON.readTree(r.body());
        String token = body.path("access_token").asText();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("response", body);
        out.put("token", token);
        out.put("claims", verified(token, "license+jwt")[1]);
        return out;
    }
}
