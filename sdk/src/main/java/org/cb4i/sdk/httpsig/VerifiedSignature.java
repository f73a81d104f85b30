package org.cb4i.sdk.httpsig;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A request signature that verified.
 *
 * @param label its label in {@code Signature-Input}
 * @param keyId its {@code keyid} (a key thumbprint)
 * @param created its {@code created}
 * @param expires its {@code expires}
 * @param components the covered component identifiers, serialised (e.g. {@code "@authority"})
 * @param nonce its {@code nonce}, if any
 * @param signatureInput the {@code Signature-Input} member, serialised, for the log
 * @param signature the {@code Signature} member, serialised, for the log
 */
public record VerifiedSignature(String label, String keyId, Instant created, Instant expires, List<String> components,
        Optional<String> nonce, String signatureInput, String signature) {
    public VerifiedSignature {
        components = List.copyOf(components);
    }
}
