package org.cb4i.sdk.consent;

import java.time.Instant;
import java.util.Map;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.member.MemberSignedRequest;

/**
 * A member's own change of its consent ({@code typ: consent-request+jwt}; SPEC.md [CNS-6]), signed with one of its
 * content keys: the whole new opt-out, fresh ({@code iat} within 60 s) and never replayed ({@code jti}).
 *
 * @param request the verified request (member, iat, jti, the key that signed it; kept as evidence)
 * @param optOut the new choice
 */
public record ConsentRequest(MemberSignedRequest request, OptOut optOut) {
    public static final String TYP = "consent-request+jwt";

    /** Signs a change with the member's content key. */
    public static String sign(SigningKey memberKey, String member, Instant issuedAt, String id, OptOut optOut) {
        return MemberSignedRequest.sign(memberKey, TYP, member, issuedAt, id, Map.of("opt_out", optOut.toJson()));
    }

    /** The member a request names, read before verifying it (to find that member's keys). */
    public static String memberOf(String compact) {
        return MemberSignedRequest.memberOf(compact, TYP, "consent request");
    }

    /**
     * Verifies a change with the member's content keys and checks it is fresh at {@code now}.
     *
     * @throws RejectedException naming the claim at fault ({@link MemberSignedRequest#verify})
     */
    public static ConsentRequest verify(String compact, KeySet memberKeys, Instant now) {
        MemberSignedRequest r = MemberSignedRequest.verify(compact, TYP, "consent request", memberKeys, now);
        if (!r.claims().has("opt_out")) {
            throw new RejectedException(Reason.MISSING_CLAIM, "consent request has no \"opt_out\" (the whole new choice; {} opts nothing out)");
        }
        return new ConsentRequest(r, OptOut.read(r.claims().get("opt_out"), "consent request opt_out"));
    }

    public String id() {
        return request.id();
    }

    public String keyThumbprint() {
        return request.keyThumbprint();
    }
}
