package org.cb4i.sdk.crawler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.cb4i.sdk.InfrastructureException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.SigningKey;

/**
 * Obtains a license from a collective's token endpoint (RSL OLP, {@code grant_type=client_credentials}), proving
 * the crawler holds its key by signing the request (Web Bot Auth, per-request coverage; SPEC.md [ISS-2]).
 */
public final class TokenClient {
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private final HttpClient http;
    private final SigningKey key;
    private final Clock clock;

    public TokenClient(SigningKey key, Clock clock) {
        this.key = key;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A license as the token endpoint returned it. */
    public record Issued(String token, long expiresIn, Optional<String> licenseId) {}

    /** The endpoint's refusal: the OAuth {@code error} and its description. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final String error;
        private final int status;

        public Refused(int status, String error, String description) {
            super(error + ": " + description);
            this.status = status;
            this.error = error;
        }

        public String error() {
            return error;
        }

        public int status() {
            return status;
        }
    }

    /**
     * Requests a license.
     *
     * @param agreement the agreement to request under, when the licensee has several
     * @throws Refused when the issuer refuses (with its OAuth error)
     * @throws InfrastructureException when the issuer cannot be reached or answers something that is not a token response
     */
    public Issued request(URI tokenEndpoint, Optional<String> clientId, Optional<String> agreement) throws Refused {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        clientId.ifPresent(c -> form.put("client_id", c));
        agreement.ifPresent(a -> form.put("agreement", a));
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        SignatureHeaders sig = new WebBotAuthSigner(key, clock).sign(SignedRequest.of("POST", tokenEndpoint), SignaturePolicy.PER_REQUEST);
        HttpRequest req = HttpRequest.newBuilder(tokenEndpoint).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Signature-Input", sig.signatureInput())
                .header("Signature", sig.signature())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new InfrastructureException(Reason.STATUS_UNAVAILABLE, "cannot reach the token endpoint " + tokenEndpoint + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException(Reason.STATUS_UNAVAILABLE, "interrupted while requesting a license");
        }
        if (resp.body().length > MAX_RESPONSE_BYTES) {
            throw new InfrastructureException(Reason.MALFORMED_JSON, "the token endpoint answered " + resp.body().length + " bytes; not a token response");
        }
        ObjectNode json;
        try {
            json = Json.readObject(resp.body(), "token response from " + tokenEndpoint, Reason.MALFORMED_JSON);
        } catch (RuntimeException e) {
            throw new InfrastructureException(Reason.MALFORMED_JSON, "the token endpoint answered HTTP " + resp.statusCode() + " without a JSON body");
        }
        if (resp.statusCode() != 200) {
            throw new Refused(resp.statusCode(), json.path("error").asText("HTTP " + resp.statusCode()), json.path("error_description").asText(""));
        }
        if (!json.path("access_token").isTextual() || !"License".equalsIgnoreCase(json.path("token_type").asText())) {
            throw new InfrastructureException(Reason.MALFORMED_JSON, "the token endpoint's answer has no access_token of token_type License");
        }
        return new Issued(json.get("access_token").textValue(), json.path("expires_in").asLong(0),
                Optional.ofNullable(json.path("license_id").textValue()));
    }
}
