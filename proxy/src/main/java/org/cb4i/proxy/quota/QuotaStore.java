package org.cb4i.proxy.quota;

import io.vertx.core.Future;
import java.util.Optional;
import java.util.OptionalLong;
import org.cb4i.sdk.token.Quota;

/**
 * Where quota counters live ([TOK-10]): a token bucket for {@code rps} (a burst of one second) and counters of
 * requests and bytes per UTC day, per {@link QuotaKey}.
 */
public interface QuotaStore extends AutoCloseable {
    /**
     * Takes one request from the key's quota.
     *
     * @return empty when the request may go ahead, else how many seconds to wait ({@code Retry-After}); failed with
     *     {@link Unavailable} when the counters cannot be had and the operator chose to refuse then
     */
    Future<OptionalLong> acquire(QuotaKey key, Quota quota);

    /** Counts bytes served under the key, once a response completes. */
    void addBytes(QuotaKey key, Quota quota, long bytes);

    /** What an operator should know of the store now (it is unreachable, and what the proxy does meanwhile), or empty. */
    default Optional<String> warning() {
        return Optional.empty();
    }

    /** Whether licensed requests with a quota are refused now (the store is unreachable and the policy is {@code deny}). */
    default boolean refusing() {
        return false;
    }

    /** Whether the counters are where the configuration puts them (always, for a local store). */
    default boolean up() {
        return true;
    }

    /** Requests decided without the configured store since the start (counted locally, or refused). */
    default long decidedWithoutStore() {
        return 0;
    }

    @Override
    default void close() {
    }

    /** The counters cannot be had and the operator's policy is to refuse rather than count per instance. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }
}
