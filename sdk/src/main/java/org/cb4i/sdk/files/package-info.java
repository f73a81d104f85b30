/**
 * Durable file writes: a file replaced atomically (written beside it, forced, renamed, its folder forced) or many at
 * once in a batch. Entry point: {@link org.cb4i.sdk.files.AtomicFiles}.
 */
package org.cb4i.sdk.files;
