/**
 * Proof of possession (SPEC.md §5): HTTP Message Signatures (RFC 9421) in the Web Bot Auth profile. Entry points:
 * {@link org.cb4i.sdk.httpsig.WebBotAuthSigner} (a crawler signs a request) and {@link org.cb4i.sdk.httpsig.WebBotAuthVerifier}
 * (a proxy or issuer verifies one, with a cache); {@link org.cb4i.sdk.httpsig.SignatureBase} is RFC 9421's signature base.
 */
package org.cb4i.sdk.httpsig;
