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
    private final String plainHttpSetting;
    private final String privateAddressesSetting;

    private FetchPolicy(boolean allowPrivateAddresses, boolean allowPlainHttp, Duration timeout, int maxBytes, String plainHttpSetting,
            String privateAddressesSetting) {
        this.allowPrivateAddresses = allowPrivateAddresses;
        this.allowPlainHttp = allowPlainHttp;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.plainHttpSetting = plainHttpSetting;
        this.privateAddressesSetting = privateAddressesSetting;
    }

    /** The secure default. */
    public static FetchPolicy strict() {
        return new FetchPolicy(false, false, DEFAULT_TIMEOUT, DEFAULT_MAX_BYTES, null, null);
    }

    /** Also fetches from loopback and private ranges (a collective on the same network, tests). */
    public FetchPolicy allowPrivateAddresses() {
        return new FetchPolicy(true, allowPlainHttp, timeout, maxBytes, plainHttpSetting, privateAddressesSetting);
    }

    /** Also fetches over plain http (unauthenticated: only for loopback or a trusted network). */
    public FetchPolicy allowPlainHttp() {
        return new FetchPolicy(allowPrivateAddresses, true, timeout, maxBytes, plainHttpSetting, privateAddressesSetting);
    }

    /**
     * Names, for the refusals' messages, the settings of the program using this policy that would allow what was
     * refused (e.g. {@code "allow_plain_http: true in proxy.yaml"}), so that an operator knows which one applies.
     */
    public FetchPolicy namingSettings(String plainHttp, String privateAddresses) {
        return new FetchPolicy(allowPrivateAddresses, allowPlainHttp, timeout, maxBytes, plainHttp, privateAddresses);
    }

    /** The setting that allows plain http, when named: "" or " (set ... to allow it)". */
    String plainHttpHint() {
        return plainHttpSetting == null ? "" : " (" + plainHttpSetting + " allows it)";
    }

    /** The setting that allows private addresses, when named. */
    String privateAddressesHint() {
        return privateAddressesSetting == null ? "" : " (" + privateAddressesSetting + " allows it)";
    }

    public FetchPolicy withTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("fetch timeout must be from 1 ms to 1 minute");
        }
        return new FetchPolicy(allowPrivateAddresses, allowPlainHttp, Objects.requireNonNull(timeout), maxBytes, plainHttpSetting, privateAddressesSetting);
    }

    public FetchPolicy withMaxBytes(int maxBytes) {
        if (maxBytes < 1024 || maxBytes > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("fetch size cap must be from 1 KiB to 64 MiB");
        }
        return new FetchPolicy(allowPrivateAddresses, allowPlainHttp, timeout, maxBytes, plainHttpSetting, privateAddressesSetting);
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
