/**
 * The receipts log (SPEC.md §8): an append-only file of entries with its Merkle tree, signed checkpoints, crash
 * recovery ([LOG-4]) and receipt ids. Entry point: {@link org.cb4i.proxy.receipts.ReceiptLog}.
 */
package org.cb4i.proxy.receipts;
