package org.cb4i.sdk.token;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.terms.Usage;

/**
 * What a license grants ([TOK-8] to [TOK-10]): its usages, paths and quota, read from the same JSON members as a
 * token's claims by the same rules. An issuer reads an agreement's grant with it, so that an agreement can grant
 * nothing a license could not carry.
 *
 * @param paths empty: everything the repertoire covers
 */
public record Granted(Set<Usage> usages, List<PathScope> paths, Quota quota) {
    public Granted {
        usages = Set.copyOf(usages);
        paths = List.copyOf(paths);
    }

    /**
     * Reads {@code usages} (required), {@code paths} and {@code quota} (optional) of a JSON object; its other members
     * are the caller's to read.
     *
     * @throws MalformedInputException when {@code json} is not a JSON object
     * @throws RejectedException ({@link Reason#INVALID_CLAIM}, {@link Reason#MISSING_CLAIM}) naming the member
     */
    public static Granted read(String json) {
        JsonNode g = Json.readObject(json, "a grant", Reason.MALFORMED_JSON);
        if (!g.has("usages")) {
            throw new RejectedException(Reason.MISSING_CLAIM, "license token has no \"usages\" claim");
        }
        return new Granted(LicenseClaims.usages(g.get("usages")), g.has("paths") ? LicenseClaims.paths(g.get("paths")) : List.of(),
                g.has("quota") ? LicenseClaims.quota(g.get("quota")) : Quota.NONE);
    }
}
