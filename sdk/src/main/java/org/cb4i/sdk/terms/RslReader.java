package org.cb4i.sdk.terms;

import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;

/**
 * Reads RSL 1.0 XML safely ([DSC-3]; research/security.md §A4): no DTDs (so no entities, internal or
 * external), at most {@value #MAX_BYTES} bytes, {@value #MAX_DEPTH} levels and {@value #MAX_ELEMENTS} elements.
 * Elements in other namespaces are extensions and are skipped; an unknown element in the RSL namespace makes
 * the document non-conformant and it is refused, as RSL §3 says.
 */
public final class RslReader {
    public static final int MAX_BYTES = 1024 * 1024;
    public static final int MAX_DEPTH = 16;
    public static final int MAX_ELEMENTS = 10_000;

    private static final Set<String> KNOWN = Set.of("rsl", "content", "license", "permits", "prohibits", "payment", "standard",
            "custom", "amount", "accepts", "legal", "alternate", "schema", "copyright", "terms", "reporting");

    private RslReader() {}

    /**
     * Parses an RSL document.
     *
     * @param source names the document in error messages (a file or URL)
     * @throws MalformedInputException ({@link Reason#MALFORMED_TERMS}) naming the line and what was expected
     */
    public static RslDocument read(byte[] xml, String source) {
        if (xml.length > MAX_BYTES) {
            throw new MalformedInputException(Reason.MALFORMED_TERMS, source + ": larger than " + MAX_BYTES + " bytes");
        }
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        XMLStreamReader r = null;
        try {
            r = f.createXMLStreamReader(new StringReader(new String(xml, StandardCharsets.UTF_8)));
            return new RslReader.State(r, source).document();
        } catch (XMLStreamException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNumber();
            throw new MalformedInputException(Reason.MALFORMED_TERMS, source + (line > 0 ? ":" + line : "") + ": not well-formed XML");
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // closing a reader over a string cannot lose data
                }
            }
        }
    }

    private static final class State {
        private final XMLStreamReader r;
        private final String source;
        private int depth;
        private int elements;

        State(XMLStreamReader r, String source) {
            this.r = r;
            this.source = source;
        }

        RslDocument document() throws XMLStreamException {
            if (!nextElement() || !isRsl("rsl")) {
                throw error("the root element must be <rsl xmlns=\"" + RslDocument.NAMESPACE + "\">");
            }
            int maxAge = 30;
            String ma = r.getAttributeValue(null, "max-age");
            if (ma != null) {
                try {
                    maxAge = Integer.parseInt(ma.strip());
                } catch (NumberFormatException e) {
                    maxAge = -1;
                }
                if (maxAge < 1) {
                    throw error("max-age must be a positive integer number of days; found \"" + ma + "\"");
                }
            }
            List<RslDocument.Content> contents = new ArrayList<>();
            int rslDepth = depth;
            while (nextChild(rslDepth)) {
                if (isRsl("content")) {
                    contents.add(content());
                } else {
                    other();
                }
            }
            if (contents.isEmpty()) {
                throw error("an RSL document needs at least one <content url=\"…\">");
            }
            return new RslDocument(maxAge, contents);
        }

        private RslDocument.Content content() throws XMLStreamException {
            String url = r.getAttributeValue(null, "url");
            if (url == null) {
                throw error("<content> has no url attribute");
            }
            Optional<URI> server = Optional.ofNullable(r.getAttributeValue(null, "server")).map(s -> uri(s, "server"));
            String enc = r.getAttributeValue(null, "encrypted");
            if (enc != null && !enc.equals("true") && !enc.equals("false")) {
                throw error("encrypted must be \"true\" or \"false\"");
            }
            Optional<String> lastmod = Optional.ofNullable(r.getAttributeValue(null, "lastmod"));
            List<RslDocument.License> licenses = new ArrayList<>();
            Optional<URI> terms = Optional.empty();
            int d = depth;
            while (nextChild(d)) {
                if (isRsl("license")) {
                    licenses.add(license());
                } else if (isRsl("terms")) {
                    terms = Optional.of(uri(text(), "terms"));
                } else {
                    other();
                }
            }
            if (licenses.isEmpty()) {
                throw error("<content url=\"" + url + "\"> has no <license>");
            }
            return new RslDocument.Content(url, server, "true".equals(enc), lastmod, licenses, terms);
        }

        private RslDocument.License license() throws XMLStreamException {
            Map<String, Set<String>> permits = new LinkedHashMap<>();
            Map<String, Set<String>> prohibits = new LinkedHashMap<>();
            Optional<RslDocument.Payment> payment = Optional.empty();
            int d = depth;
            while (nextChild(d)) {
                if (isRsl("permits") || isRsl("prohibits")) {
                    Map<String, Set<String>> target = isRsl("permits") ? permits : prohibits;
                    String name = r.getLocalName();
                    String type = r.getAttributeValue(null, "type");
                    if (type == null || !(type.equals("usage") || type.equals("user") || type.equals("geo"))) {
                        throw error("<" + name + "> needs type=\"usage\", \"user\" or \"geo\"");
                    }
                    Set<String> tokens = new LinkedHashSet<>(Arrays.asList(text().strip().split("[\\s,]+")));
                    tokens.remove("");
                    target.computeIfAbsent(type, k -> new LinkedHashSet<>()).addAll(tokens);
                } else if (isRsl("payment")) {
                    payment = Optional.of(payment());
                } else {
                    other();
                }
            }
            return new RslDocument.License(permits, prohibits, payment);
        }

        private RslDocument.Payment payment() throws XMLStreamException {
            String type = Optional.ofNullable(r.getAttributeValue(null, "type")).orElse("purchase");
            Optional<BigDecimal> amount = Optional.empty();
            Optional<String> currency = Optional.empty();
            Optional<URI> standard = Optional.empty();
            Optional<URI> custom = Optional.empty();
            int d = depth;
            while (nextChild(d)) {
                if (isRsl("amount")) {
                    currency = Optional.ofNullable(r.getAttributeValue(null, "currency"));
                    String t = text().strip();
                    try {
                        amount = Optional.of(new BigDecimal(t));
                    } catch (NumberFormatException e) {
                        throw error("<amount> must be a decimal number; found \"" + t + "\"");
                    }
                } else if (isRsl("standard")) {
                    standard = Optional.of(uri(text(), "standard"));
                } else if (isRsl("custom")) {
                    custom = Optional.of(uri(text(), "custom"));
                } else {
                    other();
                }
            }
            return new RslDocument.Payment(type, amount, currency, standard, custom);
        }

        /** An element we do not model: known RSL elements and extensions are skipped; unknown RSL ones refused. */
        private void other() throws XMLStreamException {
            if (RslDocument.NAMESPACE.equals(r.getNamespaceURI()) && !KNOWN.contains(r.getLocalName())) {
                throw error("unknown element <" + r.getLocalName() + "> in the RSL namespace");
            }
            skip();
        }

        private void skip() throws XMLStreamException {
            int d = depth;
            while (nextChild(d)) {
                skip();
            }
        }

        private String text() throws XMLStreamException {
            StringBuilder b = new StringBuilder();
            int d = depth;
            while (true) {
                int ev = next();
                if (ev == XMLStreamConstants.CHARACTERS || ev == XMLStreamConstants.CDATA || ev == XMLStreamConstants.SPACE) {
                    b.append(r.getText());
                } else if (ev == XMLStreamConstants.START_ELEMENT) {
                    throw error("<" + r.getLocalName() + "> is not expected inside a text element");
                } else if (ev == XMLStreamConstants.END_ELEMENT && depth < d) {
                    return b.toString();
                }
            }
        }

        /** Advances to the next child element of the element at depth {@code parent}; false at its end. */
        private boolean nextChild(int parent) throws XMLStreamException {
            while (true) {
                int ev = next();
                if (ev == XMLStreamConstants.START_ELEMENT && depth == parent + 1) {
                    return true;
                }
                if (ev == XMLStreamConstants.END_ELEMENT && depth < parent) {
                    return false;
                }
                if (ev == XMLStreamConstants.END_DOCUMENT) {
                    throw error("the document ends early");
                }
            }
        }

        private boolean nextElement() throws XMLStreamException {
            while (r.hasNext()) {
                if (next() == XMLStreamConstants.START_ELEMENT) {
                    return true;
                }
            }
            return false;
        }

        private int next() throws XMLStreamException {
            int ev = r.next();
            switch (ev) {
                case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE, XMLStreamConstants.ENTITY_DECLARATION ->
                        throw error("DTDs and entities are not accepted in RSL documents");
                case XMLStreamConstants.START_ELEMENT -> {
                    if (++depth > MAX_DEPTH) {
                        throw error("elements are nested deeper than " + MAX_DEPTH);
                    }
                    if (++elements > MAX_ELEMENTS) {
                        throw error("more than " + MAX_ELEMENTS + " elements");
                    }
                }
                case XMLStreamConstants.END_ELEMENT -> depth--;
                default -> {
                    // text, comments, processing instructions: nothing to track
                }
            }
            return ev;
        }

        private boolean isRsl(String local) {
            return RslDocument.NAMESPACE.equals(r.getNamespaceURI()) && local.equals(r.getLocalName());
        }

        private URI uri(String s, String what) {
            try {
                URI u = new URI(s.strip());
                if (!u.isAbsolute()) {
                    throw error(what + " must be an absolute URL; found \"" + s.strip() + "\"");
                }
                return u;
            } catch (java.net.URISyntaxException e) {
                throw error(what + " is not a URL: \"" + s.strip() + "\"");
            }
        }

        private MalformedInputException error(String what) {
            int line = r.getLocation() == null ? -1 : r.getLocation().getLineNumber();
            return new MalformedInputException(Reason.MALFORMED_TERMS, source + (line > 0 ? ":" + line : "") + ": " + what);
        }
    }
}
