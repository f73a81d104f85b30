/**
 * The receipts log's wire objects and arithmetic (SPEC.md §8): the entry a proxy appends for every licensed response
 * ({@link org.cb4i.sdk.log.LogEntry}, its writer and reader), the signed {@link org.cb4i.sdk.log.Checkpoint}, and the RFC
 * 9162 Merkle tree ({@link org.cb4i.sdk.log.MerkleTree}) with its inclusion and consistency proofs
 * ({@link org.cb4i.sdk.log.MerkleProofs}).
 */
package org.cb4i.sdk.log;
