package org.cb4i.sdk.terms;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.json.Json;

/**
 * A TDMRep {@code /.well-known/tdmrep.json} ([DSC-4]; W3C TDM Reservation Protocol): an array of rules
 * {@code {location, tdm-reservation, tdm-policy?}}; the first rule whose {@code location} matches decides.
 * Immutable.
 */
public record TdmRep(List<Rule> rules) {
    /** One rule: an RFC 9309-style location pattern, the reservation (0 or 1), and a policy URL. */
    public record Rule(String location, int reservation, Optional<URI> policy) {}

    public TdmRep {
        rules = List.copyOf(rules);
    }

    /**
     * Parses tdmrep.json text. Rules without the two mandatory members, or with a reservation other than 0 or 1,
     * are refused with the index of the rule.
     */
    public static TdmRep parse(String json, String source) {
        JsonNode root;
        try {
            root = Json.readTree(json);
        } catch (java.io.IOException e) {
            throw new MalformedInputException(Reason.MALFORMED_TERMS, source + ": not JSON");
        }
        if (root == null || !root.isArray()) {
            throw new MalformedInputException(Reason.MALFORMED_TERMS, source + ": must be a JSON array of rules");
        }
        List<Rule> rules = new ArrayList<>();
        int i = 0;
        for (JsonNode r : root) {
            JsonNode loc = r.get("location");
            JsonNode res = r.get("tdm-reservation");
            if (loc == null || !loc.isTextual() || res == null || !res.isInt() || (res.intValue() != 0 && res.intValue() != 1)) {
                throw new MalformedInputException(Reason.MALFORMED_TERMS, source + ": rule " + i
                        + " needs \"location\" (string) and \"tdm-reservation\" (0 or 1)");
            }
            Optional<URI> policy = Optional.empty();
            if (r.hasNonNull("tdm-policy") && r.get("tdm-policy").isTextual()) {
                try {
                    policy = Optional.of(new URI(r.get("tdm-policy").textValue()));
                } catch (java.net.URISyntaxException e) {
                    throw new MalformedInputException(Reason.MALFORMED_TERMS, source + ": rule " + i + " tdm-policy is not a URL");
                }
            }
            rules.add(new Rule(loc.textValue(), res.intValue(), policy));
            i++;
        }
        return new TdmRep(rules);
    }

    /** The rule for {@code path}: the first whose location matches, or empty (reservation unset). */
    public Optional<Rule> ruleFor(String path) {
        for (Rule r : rules) {
            String loc = r.location().isEmpty() ? "/" : r.location();
            try {
                if (PathPattern.of(loc.startsWith("/") || loc.startsWith("*") ? loc : "/" + loc).matches(path)) {
                    return Optional.of(r);
                }
            } catch (IllegalArgumentException ignored) {
                // a location that is not a pattern matches nothing
            }
        }
        return Optional.empty();
    }

    /** The usage signals for {@code path}. */
    public UsageSignals signalsFor(String path) {
        return ruleFor(path).map(r -> UsageSignals.fromTdmReservation(r.reservation())).orElse(UsageSignals.NONE);
    }

    /** Serialises as tdmrep.json. */
    public String toJson() {
        List<Object> out = new ArrayList<>();
        for (Rule r : rules) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("location", r.location());
            m.put("tdm-reservation", r.reservation());
            r.policy().ifPresent(p -> m.put("tdm-policy", p.toString()));
            out.add(m);
        }
        return Json.writePretty(out);
    }
}
