package org.cb4i.proxy.pipeline;

import java.util.OptionalLong;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.proxy.quota.QuotaKey;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.httpsig.VerifiedSignature;
import org.cb4i.sdk.token.Quota;
import org.cb4i.sdk.token.VerifiedLicense;

/** What {@link LicenseGate} decided for a request on a licensed path (a closed set, each with what it needs). */
public sealed interface Decision {
    /** No license asked for and none needed: a person's browser (classified, [ENF-2]). */
    record Human() implements Decision {}

    /**
     * A licensed request, served under its license and recorded.
     *
     * @param rid the receipt id reserved for the response
     * @param quotaKey what the response's bytes count against ([TOK-10])
     * @param quota the limits that applied (the license's, or smaller when another live license of the key says so)
     */
    record Licensed(VerifiedLicense license, VerifiedSignature signature, ProxyConfig.PathRule rule, String rid, QuotaKey quotaKey, Quota quota)
            implements Decision {}

    /**
     * Refused, with the reason's status ([ENF-4]).
     *
     * @param retryAfter seconds, for a quota denial
     */
    record Denied(Reason reason, String detail, OptionalLong retryAfter) implements Decision {
        public Denied(Reason reason, String detail) {
            this(reason, detail, OptionalLong.empty());
        }
    }
}
