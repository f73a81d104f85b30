package org.cb4i.sdk;

/**
 * What a verification cache has done: lookups answered from it, lookups that had to verify, and entries held.
 * A snapshot; for metrics.
 */
public record CacheCounters(long hits, long misses, long size) {
    public static final CacheCounters NONE = new CacheCounters(0, 0, 0);
}
