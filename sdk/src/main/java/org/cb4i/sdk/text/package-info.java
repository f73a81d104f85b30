/**
 * cb4i-text-v1, the canonical text a credential signs ([CRD-2]): the signed region of a page, its paragraphs, their
 * digests and Merkle root. Entry point: {@link org.cb4i.sdk.text.CanonicalText}; {@link org.cb4i.sdk.text.ParagraphMatch}
 * attributes a cut-down text to a signed page's paragraphs ([CRD-5]).
 */
package org.cb4i.sdk.text;
