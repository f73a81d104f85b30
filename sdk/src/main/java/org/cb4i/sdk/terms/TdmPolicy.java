package org.cb4i.sdk.terms;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cb4i.sdk.json.Json;

/**
 * A TDM Policy ([DSC-7]; W3C TDMRep, its ODRL 2.2 profile): the machine-readable document a reserved resource's
 * {@code tdm-policy} points to, saying how a TDM actor may obtain a license. A cb4i site writes one {@code Offer} from
 * its configuration: the publisher as {@code assigner} (with {@code vcard:hasURL} where the license is acquired: its RSL
 * document), and one {@code permission} to {@code tdm:mine} the site's content with the duty to obtain consent first —
 * the license token is that consent. {@link #problems} checks any policy against the profile's requirements.
 */
public final class TdmPolicy {
    /** What {@code profile} must say. */
    public static final String PROFILE = "http://www.w3.org/ns/tdmrep";
    public static final String ODRL_CONTEXT = "http://www.w3.org/ns/odrl.jsonld";
    public static final String TDM_NS = "http://www.w3.org/ns/tdmrep#";
    public static final String MEDIA_TYPE = "application/ld+json";
    /** Where a cb4i site serves its policy (a path under the site's own {@code .well-known} space). */
    public static final String PATH = "/.well-known/cb4i/tdm-policy.json";

    private TdmPolicy() {}

    /**
     * The policy of a site.
     *
     * @param origin the publisher's origin (the assigner's {@code uid}; {@code origin/} is the permission's target)
     * @param licenseUrl where a license is acquired ({@code vcard:hasURL}): the site's RSL document
     */
    public static String forSite(String origin, URI licenseUrl) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("@context", List.of(ODRL_CONTEXT, Map.of("tdm", TDM_NS)));
        doc.put("@type", "Offer");
        doc.put("uid", origin + PATH);
        doc.put("profile", PROFILE);
        Map<String, Object> assigner = new LinkedHashMap<>();
        assigner.put("uid", origin);
        assigner.put("vcard:hasURL", licenseUrl.toString());
        doc.put("assigner", assigner);
        Map<String, Object> permission = new LinkedHashMap<>();
        permission.put("target", origin + "/");
        permission.put("action", "tdm:mine");
        permission.put("duty", List.of(Map.of("action", "obtainConsent")));
        doc.put("permission", List.of(permission));
        return Json.writePretty(doc);
    }

    /**
     * What a policy does wrong against the TDMRep ODRL profile, one line each (empty when it conforms): the ODRL
     * context, {@code @type} {@code Offer}, {@code profile}, a {@code uid} that is an absolute IRI, an {@code assigner}
     * with a {@code uid}, a {@code permission} or an {@code obligation} but no {@code prohibition}, every permission's
     * {@code action} {@code tdm:mine} and its {@code target} present.
     */
    public static List<String> problems(JsonNode doc) {
        List<String> out = new ArrayList<>();
        if (doc == null || !doc.isObject()) {
            out.add("a policy is a JSON object");
            return out;
        }
        JsonNode ctx = doc.path("@context");
        boolean odrl = ctx.isTextual() ? ctx.textValue().equals(ODRL_CONTEXT) : ctx.isArray() && contains(ctx, ODRL_CONTEXT);
        if (!odrl) {
            out.add("@context must include " + ODRL_CONTEXT);
        }
        if (!"Offer".equals(doc.path("@type").asText(null))) {
            out.add("@type must be Offer; found " + doc.path("@type"));
        }
        if (!PROFILE.equals(doc.path("profile").asText(null))) {
            out.add("profile must be " + PROFILE + "; found " + doc.path("profile"));
        }
        if (!absolute(doc.path("uid"))) {
            out.add("uid must be an absolute IRI; found " + doc.path("uid"));
        }
        JsonNode assigner = doc.path("assigner");
        if (!(assigner.isObject() && absolute(assigner.path("uid")) || absolute(assigner))) {
            out.add("assigner must be a party with a uid (an absolute IRI); found " + assigner);
        }
        if (doc.has("prohibition")) {
            out.add("a TDMRep policy has no prohibition (the reservation itself says what is not allowed)");
        }
        JsonNode permissions = doc.path("permission");
        if (!permissions.isArray() && !doc.has("obligation")) {
            out.add("a policy has a permission (an array) or an obligation");
        }
        int i = 0;
        for (JsonNode p : permissions) {
            if (!"tdm:mine".equals(p.path("action").asText(null)) && !(TDM_NS + "mine").equals(p.path("action").asText(null))) {
                out.add("permission " + i + ": action must be tdm:mine; found " + p.path("action"));
            }
            if (!p.hasNonNull("target")) {
                out.add("permission " + i + ": a target is required");
            }
            i++;
        }
        return out;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode n : array) {
            if (n.isTextual() && n.textValue().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean absolute(JsonNode n) {
        if (!n.isTextual()) {
            return false;
        }
        try {
            return new URI(n.textValue()).isAbsolute();
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
