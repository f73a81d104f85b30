package org.cb4i.sdk.httpsig;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.greenbytes.http.sfv.Dictionary;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.Parser;
import org.greenbytes.http.sfv.StringItem;

/**
 * The {@code Signature-Agent} header of Web Bot Auth ([POP-6]): where a crawler's key directory is. Both forms
 * are read: the current dictionary form ({@code sig1="https://crawler.example"}) and the legacy single string
 * ({@code "https://crawler.example"}), whose one member is given the label {@code ""}.
 */
public final class SignatureAgent {
    public static final int MAX_MEMBERS = 8;

    private SignatureAgent() {}

    /**
     * Parses the header's field lines into label → agent URI. Only https URIs are kept.
     *
     * @throws MalformedInputException ({@link Reason#MALFORMED_SIGNATURE_HEADER}) when it is neither form or has
     *     more than {@value #MAX_MEMBERS} members
     */
    public static Map<String, URI> parse(List<String> lines) {
        Map<String, URI> out = new LinkedHashMap<>();
        if (lines.isEmpty()) {
            return out;
        }
        String joined = String.join(", ", lines).strip();
        if (joined.startsWith("\"")) {
            try {
                var item = Parser.parseItem(joined);
                if (item instanceof StringItem s) {
                    addIfHttps(out, "", s.get());
                    return out;
                }
            } catch (IllegalArgumentException e) {
                // fall through to the error below
            }
            throw new MalformedInputException(Reason.MALFORMED_SIGNATURE_HEADER, "Signature-Agent is neither a string nor a dictionary");
        }
        Dictionary d;
        try {
            d = Parser.parseDictionary(joined);
        } catch (IllegalArgumentException e) {
            throw new MalformedInputException(Reason.MALFORMED_SIGNATURE_HEADER, "Signature-Agent is neither a string nor a dictionary");
        }
        if (d.get().size() > MAX_MEMBERS) {
            throw new MalformedInputException(Reason.MALFORMED_SIGNATURE_HEADER, "Signature-Agent has more than " + MAX_MEMBERS + " members");
        }
        for (Map.Entry<String, ListElement<? extends Object>> e : d.get().entrySet()) {
            if (e.getValue() instanceof StringItem s) {
                addIfHttps(out, e.getKey(), s.get());
            }
        }
        return out;
    }

    private static void addIfHttps(Map<String, URI> out, String label, String value) {
        try {
            URI u = new URI(value);
            if ("https".equals(u.getScheme()) && u.getHost() != null && u.getRawUserInfo() == null) {
                out.put(label, u);
            }
        } catch (java.net.URISyntaxException e) {
            // not a URI: ignored, never fetched
        }
    }
}
