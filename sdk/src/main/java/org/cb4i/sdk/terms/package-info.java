/**
 * Terms and signals (SPEC.md §1 and §2): the usage vocabulary ({@link org.cb4i.sdk.terms.Usage}), RFC 9309 path
 * patterns ({@link org.cb4i.sdk.terms.PathPattern}), robots.txt, AIPREF Content-Usage ({@link org.cb4i.sdk.terms.UsageSignals}),
 * RSL 1.0 documents ({@link org.cb4i.sdk.terms.RslDocument}, {@link org.cb4i.sdk.terms.RslReader}) and TDMRep.
 */
package org.cb4i.sdk.terms;
