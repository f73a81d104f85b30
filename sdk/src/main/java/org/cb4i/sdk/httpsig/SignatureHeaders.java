package org.cb4i.sdk.httpsig;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The header fields a signer adds to a request.
 *
 * @param signatureInput the {@code Signature-Input} value
 * @param signature the {@code Signature} value
 * @param signatureAgent the {@code Signature-Agent} value, when the signer names a key directory
 * @param expires when the signature stops being accepted
 */
public record SignatureHeaders(String signatureInput, String signature, Optional<String> signatureAgent, Instant expires) {
    public SignatureHeaders {
        Objects.requireNonNull(signatureInput, "signatureInput");
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(signatureAgent, "signatureAgent");
        Objects.requireNonNull(expires, "expires");
    }
}
