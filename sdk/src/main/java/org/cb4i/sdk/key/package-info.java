/**
 * Keys (SPEC.md §0.3): Ed25519 and P-256 keys as JWKs, RFC 7638 thumbprints as key ids, key sets, key files on disk.
 * Entry points: {@link org.cb4i.sdk.key.KeyFiles} (generate, read, write), {@link org.cb4i.sdk.key.SigningKey},
 * {@link org.cb4i.sdk.key.VerificationKey}, {@link org.cb4i.sdk.key.KeySet}.
 */
package org.cb4i.sdk.key;
