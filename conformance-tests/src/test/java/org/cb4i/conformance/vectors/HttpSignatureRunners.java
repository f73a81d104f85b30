package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.httpsig.SignatureBase;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthVerifier;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.VerificationKey;
import org.greenbytes.http.sfv.ByteSequenceItem;
import org.greenbytes.http.sfv.Parser;

/** Runs {@code SignatureBase} ([POP-4]) and {@code WebBotAuth} ([POP-*]) groups. */
final class HttpSignatureRunners {
    private HttpSignatureRunners() {}

    static SignedRequest request(JsonNode r) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (JsonNode h : r.get("headers")) {
            String name = h.get(0).textValue();
            if (name.equalsIgnoreCase("host")) {
                continue; // the authority comes from the URL, as the proxy derives it from Host
            }
            fields.computeIfAbsent(name, k -> new ArrayList<>()).add(h.get(1).textValue());
        }
        return SignedRequest.of(r.get("method").textValue(), URI.create(r.get("url").textValue()), fields);
    }

    static void signatureBase(VectorFile.Case c) {
        VerificationKey key = VerificationKey.fromJson(c.group().get("jwk").toString());
        SignedRequest req = request(c.test().get("request")).withField("signature-input", c.test().get("signatureInput").textValue());
        String base = SignatureBase.of(req, c.test().get("label").textValue());
        assertThat(base).isEqualTo(c.test().get("signatureBase").textValue());
        ByteSequenceItem sig = (ByteSequenceItem) Parser.parseDictionary(c.test().get("signature").textValue()).get().get(c.test().get("label").textValue());
        ByteBuffer bb = sig.get();
        byte[] bytes = new byte[bb.remaining()];
        bb.duplicate().get(bytes);
        assertThat(key.verify(base.getBytes(StandardCharsets.UTF_8), bytes)).isEqualTo(c.expectValid());
    }

    static void webBotAuth(VectorFile.Case c) {
        JsonNode t = c.test();
        KeySet keys = KeyFiles.parseKeySet(c.group().get("jwks").toString(), "vector jwks");
        WebBotAuthVerifier verifier = WebBotAuthVerifier.builder()
                .clock(Clock.fixed(Instant.ofEpochSecond(t.get("now").longValue()), ZoneOffset.UTC))
                .maxValidity(Duration.ofSeconds(t.get("maxValiditySeconds").longValue()))
                .build();
        SignedRequest req = request(t.get("request"));
        SignaturePolicy policy = SignaturePolicy.parse(t.get("policy").textValue()).orElseThrow();
        Runnable verify = t.has("boundJkt")
                ? () -> verifier.verifyBound(req, policy, keys.find(t.get("boundJkt").textValue()).orElseThrow())
                : () -> verifier.verify(req, policy, (keyId, agents) -> keys.find(keyId));
        if (c.expectValid()) {
            verify.run();
        } else {
            Cb4iException e = catchThrowableOfType(Cb4iException.class, verify::run);
            assertThat(e).as("rejection").isNotNull();
            assertThat(e.reason().name()).as(e.getMessage()).isEqualTo(c.expectedReason());
        }
    }
}
