/**
 * The dataset manifest's format (SPEC.md §9, [DST-1]): its header line ({@link org.cb4i.sdk.dataset.ManifestHeader},
 * written by the crawler and read by the verifier), its record lines as the verifier reads them
 * ({@link org.cb4i.sdk.dataset.ManifestRecord}, one streaming pass, for {@code cb4i verify} as for a Spark job), and the
 * line reader ({@link org.cb4i.sdk.dataset.ManifestLines}: UTF-8 bytes, capped).
 */
package org.cb4i.sdk.dataset;
