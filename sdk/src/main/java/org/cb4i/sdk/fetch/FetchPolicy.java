package org.cb4i.sdk.fetch;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits on fetching keys, key directories and status lists from URLs that arrive in untrusted input
 * ([FET-1]; research/security.md SIG-19, JWT-34). Secure by default: https only, no redirects, 5 s in all,
 * 256 KiB at most, and addresses in loopback, private, link-local, unique-local, multicast or unspecified
 * ranges refused. Each loosening is a method whose name says what it gives up.
 */
public final class FetchPolicy {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_BYTES = 256 * 1024;

    private final boolean allowPrivateAddresses;
    private final boolean allowPlainHttp;
    private final Duration timeout;
    private final int maxBytes;

    private FetchPolicy(boolean allowPrivateAddresses, boolean allowPlainHttp, Duration timeout, int maxBytes) {
        this.allowPrivateAddresses = allowPrivateAddresses;
        this.allowPlainHttp = allowPlainHttp;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
    }

    /** The secure default. */
    public static FetchPolicy strict() {
        return new FetchPolicy(false, false, DEFAULT_TIMEOUT, DEFAULT_MAX_BYTES);
    }

    /** Also fetches from loopback and private ranges (a collective on the same network, tests). */
    public FetchPolicy allowPrivateAddresses() {
        return new FetchPolicy(true, allowPlainHttp, timeout, maxBytes);
    }

    /** Also fetches over plain http (unauthenticated: only for loopback or a trusted network). */
    public FetchPolicy allowPlainHttp() {
        return new FetchPolicy(allowPrivateAddresses, true, timeout, maxBytes);
    }

    public FetchPolicy withTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("fetch timeout must be from 1 ms to 1 minute");
        }
        return new FetchPolicy(allowPrivateAddresses, allowPlainHttp, Objects.requireNonNull(timeout), maxBytes);
    }

    public FetchPolicy withMaxBytes(int maxBytes) {
        if (maxBytes < 1024 || maxBytes > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("fetch size cap must be from 1 KiB to 64 MiB");
        }
        return new FetchPolicy(allowPrivateAddresses, allowPlainHttp, timeout, maxBytes);
    }

    public boolean privateAddressesAllowed() {
        return allowPrivateAddresses;
    }

    public boolean plainHttpAllowed() {
        return allowPlainHttp;
    }

    public Duration timeout() {
        return timeout;
    }

    public int maxBytes() {
        return maxBytes;
    }
}
