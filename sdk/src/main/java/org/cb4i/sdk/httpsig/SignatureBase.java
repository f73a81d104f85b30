package org.cb4i.sdk.httpsig;

import java.util.List;
import java.util.Map;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.greenbytes.http.sfv.Dictionary;
import org.greenbytes.http.sfv.InnerList;
import org.greenbytes.http.sfv.Item;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.Parameters;
import org.greenbytes.http.sfv.Parser;
import org.greenbytes.http.sfv.StringItem;

/**
 * Builds the RFC 9421 §2.5 signature base for a request ([POP-4]). Supported component identifiers:
 * {@code @method}, {@code @authority}, {@code @scheme}, {@code @target-uri}, {@code @path}, {@code @query},
 * {@code @request-target}, and header fields, optionally with {@code ;key="member"} (one dictionary member) or
 * {@code ;sf} (re-serialised structured field). Any other identifier or parameter makes the signature invalid:
 * cb4i never signs or verifies something it does not fully understand.
 */
public final class SignatureBase {
    static final int MAX_COMPONENTS = 32;

    private SignatureBase() {}

    /**
     * The signature base the request's {@code Signature-Input} member {@code label} describes: what the signer
     * signed and what a verifier checks. Useful when debugging a refused signature.
     *
     * @throws MalformedInputException when the request has no such member or it cannot be parsed
     * @throws RejectedException when it covers something the request does not have or cb4i does not support
     */
    public static String of(SignedRequest req, String label) {
        List<String> lines = req.field("signature-input");
        Dictionary d = parseDictionary(String.join(", ", lines), "Signature-Input");
        ListElement<? extends Object> member = d.get().get(label);
        if (!(member instanceof InnerList components)) {
            throw new MalformedInputException(Reason.MALFORMED_SIGNATURE_HEADER, "Signature-Input has no inner list labelled " + label);
        }
        return build(req, components);
    }

    /** The base for {@code components} (the inner list of {@code Signature-Input}, with its parameters). */
    static String build(SignedRequest req, InnerList components) {
        return build(req, components, components.serialize());
    }

    /** As {@link #build(SignedRequest, InnerList)}, with the serialised inner list already at hand. */
    static String build(SignedRequest req, InnerList components, String serialized) {
        List<Item<? extends Object>> items = components.get();
        if (items.size() > MAX_COMPONENTS) {
            throw new RejectedException(Reason.SIGNATURE_COVERAGE_INSUFFICIENT, "signature covers " + items.size() + " components; at most " + MAX_COMPONENTS + " are accepted");
        }
        StringBuilder b = new StringBuilder(256);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Item<? extends Object> item : items) {
            if (!(item instanceof StringItem s)) {
                throw new MalformedInputException(Reason.MALFORMED_SIGNATURE_HEADER, "Signature-Input components must be strings");
            }
            String id = s.serialize();
            if (!seen.add(id)) {
                throw new MalformedInputException(Reason.MALFORMED_SIGNATURE_HEADER, "Signature-Input lists component " + id + " twice");
            }
            b.append(id).append(": ").append(value(req, s.get(), s.getParams())).append('\n');
        }
        b.append("\"@signature-params\": ").append(serialized);
        return b.toString();
    }

    private static String value(SignedRequest req, String name, Parameters params) {
        if (name.isEmpty() || !name.equals(name.toLowerCase(java.util.Locale.ROOT))) {
            throw new MalformedInputException(Reason.MALFORMED_SIGNATURE_HEADER, "component name \"" + name + "\" must be lowercase and non-empty");
        }
        if (name.startsWith("@")) {
            if (!params.isEmpty()) {
                throw unsupported("parameters on derived component " + name);
            }
            return switch (name) {
                case "@method" -> req.method();
                case "@authority" -> req.authority();
                case "@scheme" -> req.scheme();
                case "@target-uri" -> req.targetUri();
                case "@path" -> { String pq = req.pathAndQuery(); int q = pq.indexOf('?'); yield q < 0 ? pq : pq.substring(0, q); }
                case "@query" -> { String pq = req.pathAndQuery(); int q = pq.indexOf('?'); yield q < 0 ? "?" : pq.substring(q); }
                case "@request-target" -> req.pathAndQuery();
                default -> throw unsupported("derived component " + name);
            };
        }
        List<String> lines = req.field(name);
        if (lines.isEmpty()) {
            throw new RejectedException(Reason.SIGNATURE_INVALID, "signature covers header field \"" + name + "\", which the request does not have");
        }
        StringBuilder joined = new StringBuilder();
        for (String line : lines) {
            if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
                throw new MalformedInputException(Reason.MALFORMED_SIGNATURE_HEADER, "header field " + name + " contains a line break");
            }
            if (joined.length() > 0) {
                joined.append(", ");
            }
            joined.append(line.strip());
        }
        for (String p : params.keySet()) {
            if (!p.equals("key") && !p.equals("sf")) {
                throw unsupported("component parameter ;" + p);
            }
        }
        Item<? extends Object> key = params.get("key");
        if (key != null) {
            if (!(key instanceof StringItem k)) {
                throw new MalformedInputException(Reason.MALFORMED_SIGNATURE_HEADER, "component parameter ;key must be a string");
            }
            Dictionary d = parseDictionary(joined.toString(), name);
            ListElement<? extends Object> member = d.get().get(k.get());
            if (member == null) {
                throw new RejectedException(Reason.SIGNATURE_INVALID, "signature covers member \"" + k.get() + "\" of " + name + ", which is absent");
            }
            return member.serialize();
        }
        if (params.containsKey("sf")) {
            return parseDictionary(joined.toString(), name).serialize();
        }
        return joined.toString();
    }

    static Dictionary parseDictionary(String value, String field) {
        try {
            return Parser.parseDictionary(value);
        } catch (IllegalArgumentException e) {
            throw new MalformedInputException(Reason.MALFORMED_SIGNATURE_HEADER, field + " is not a valid structured-field dictionary");
        }
    }

    private static RejectedException unsupported(String what) {
        return new RejectedException(Reason.SIGNATURE_COVERAGE_INSUFFICIENT, "unsupported in a cb4i signature: " + what);
    }

    /** Builds {@code ("c1" "c2";key="x");p=v...} from names and parameter values, for signing. */
    static InnerList components(List<StringItem> items, Map<String, Object> params) {
        return InnerList.valueOf(List.copyOf(items)).withParams(Parameters.valueOf(params));
    }
}
