/**
 * A collective's signed repertoire (SPEC.md §3): its member origins over time, with their content-signing keys.
 * Entry point: {@link org.cb4i.sdk.repertoire.Repertoire} (sign, verify, {@code memberAt}).
 */
package org.cb4i.sdk.repertoire;
