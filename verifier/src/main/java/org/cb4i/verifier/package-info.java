/**
 * Dataset verification (SPEC.md §14): what each record of a dataset is, from whom, under which license, untampered
 * and valid at fetch time. Entry points: {@link org.cb4i.verifier.DatasetVerifier} (a whole dataset, on all cores) and
 * {@link org.cb4i.verifier.RecordVerifier} (one record: a pure function, for Spark or Beam), with the manifest's evidence
 * checked once in a {@link org.cb4i.verifier.ManifestContext}; a record is read by
 * {@link org.cb4i.sdk.dataset.ManifestRecord} (the manifest format is the SDK's, {@code sdk.dataset});
 * the verdict is a {@link org.cb4i.verifier.RecordResult} of {@link org.cb4i.verifier.Finding}s whose codes are the
 * registry {@link org.cb4i.verifier.FindingCode}.
 */
package org.cb4i.verifier;
