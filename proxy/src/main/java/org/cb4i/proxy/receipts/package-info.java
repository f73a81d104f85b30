/**
 * The receipts log (SPEC.md §8): an append-only log of entries with its Merkle tree, signed checkpoints, crash
 * recovery ([LOG-4]) and receipt ids, stored as segments that are sealed, archived and retained ([LOG-5]:
 * {@link org.cb4i.proxy.receipts.Segments}, {@link org.cb4i.proxy.receipts.SegmentRetention}). Entry point:
 * {@link org.cb4i.proxy.receipts.ReceiptLog}.
 */
package org.cb4i.proxy.receipts;
