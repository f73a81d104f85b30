package org.cb4i.sdk.terms;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * An RSL 1.0 license document ({@code application/rsl+xml}; [DSC-3]): for each {@code <content url>} scope,
 * the alternative licenses on offer. Read by {@link RslReader}; written by {@link #toXml()}. Immutable.
 *
 * @param maxAgeDays the {@code max-age} attribute: revalidate within this many days (default 30)
 * @param contents the {@code <content>} elements, in document order
 */
public record RslDocument(int maxAgeDays, List<Content> contents) {
    public static final String NAMESPACE = "https://rslstandard.org/rsl";
    public static final String MEDIA_TYPE = "application/rsl+xml";

    public RslDocument {
        if (maxAgeDays < 1) {
            throw new IllegalArgumentException("max-age must be a positive number of days");
        }
        contents = List.copyOf(contents);
        if (contents.isEmpty()) {
            throw new IllegalArgumentException("an RSL document needs at least one <content>");
        }
    }

    /**
     * One {@code <content>} scope.
     *
     * @param url a full URL or an RFC 9309 path pattern
     * @param server the license server; when present a crawler must obtain a token even for a free license
     * @param licenses the alternatives, at least one
     * @param terms a human-readable terms URL
     */
    public record Content(String url, Optional<URI> server, boolean encrypted, Optional<String> lastmod,
            List<License> licenses, Optional<URI> terms) {
        public Content {
            Objects.requireNonNull(url, "url");
            licenses = List.copyOf(licenses);
            if (licenses.isEmpty()) {
                throw new IllegalArgumentException("<content url=\"" + url + "\"> needs at least one <license>");
            }
        }
    }

    /**
     * One {@code <license>}: permitted and prohibited tokens by type ({@code usage}, {@code user},
     * {@code geo}), and its payment, if any (none means free).
     */
    public record License(Map<String, Set<String>> permits, Map<String, Set<String>> prohibits, Optional<Payment> payment) {
        public License {
            permits = copy(permits);
            prohibits = copy(prohibits);
        }

        /**
         * Whether this license permits {@code u}: a {@code <permits type="usage">} element, when present,
         * enumerates what is allowed; a prohibition beats a permission (RSL §3.1.1).
         */
        public boolean permits(Usage u) {
            Set<String> p = permits.get("usage");
            boolean permitted = p == null || p.stream().map(Usage::parse).flatMap(Optional::stream).anyMatch(g -> g.implies(u));
            boolean prohibited = prohibits.getOrDefault("usage", Set.of()).stream().map(Usage::parse).flatMap(Optional::stream)
                    .anyMatch(g -> g.overlaps(u));
            return permitted && !prohibited;
        }

        private static Map<String, Set<String>> copy(Map<String, Set<String>> m) {
            Map<String, Set<String>> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, Set.copyOf(new LinkedHashSet<>(v))));
            return java.util.Collections.unmodifiableMap(out);
        }
    }

    /** A {@code <payment>}: its type ({@code crawl}, {@code training}, {@code use}, {@code free}, …) and details. */
    public record Payment(String type, Optional<BigDecimal> amount, Optional<String> currency, Optional<URI> standard, Optional<URI> custom) {
        public Payment {
            Objects.requireNonNull(type, "type");
        }
    }

    /**
     * The usages the document licenses for {@code url} ([DSC-3]): the narrowest matching {@code <content>}
     * decides (longest pattern); any of its licenses may be chosen, so the result is their union.
     *
     * @return the permitted usages (each as itself; implied narrower usages are not listed), or empty when no
     *     {@code <content>} covers the URL
     */
    public Optional<Set<Usage>> permittedUsages(URI url) {
        Content best = null;
        int bestLen = -1;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        for (Content c : contents) {
            String pattern = c.url();
            if (pattern.startsWith("http://") || pattern.startsWith("https://")) {
                URI cu = URI.create(pattern);
                if (!Objects.equals(cu.getHost(), url.getHost()) || !Objects.equals(cu.getScheme(), url.getScheme())) {
                    continue;
                }
                pattern = cu.getRawPath() == null || cu.getRawPath().isEmpty() ? "/" : cu.getRawPath();
            }
            if (pattern.isEmpty()) {
                pattern = "/";
            }
            PathPattern p;
            try {
                p = PathPattern.of(pattern);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (p.matches(path) && p.specificity() > bestLen) {
                best = c;
                bestLen = p.specificity();
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        Set<Usage> out = EnumSet.noneOf(Usage.class);
        for (License l : best.licenses()) {
            for (Usage u : Usage.values()) {
                if (l.permits(u)) {
                    out.add(u);
                }
            }
        }
        return Optional.of(out);
    }

    /** Serialises as RSL 1.0 XML in the RSL namespace. */
    public String toXml() {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeCharacters("\n");
            w.writeStartElement("rsl");
            w.writeDefaultNamespace(NAMESPACE);
            if (maxAgeDays != 30) {
                w.writeAttribute("max-age", Integer.toString(maxAgeDays));
            }
            for (Content c : contents) {
                w.writeCharacters("\n  ");
                w.writeStartElement("content");
                w.writeAttribute("url", c.url());
                if (c.server().isPresent()) {
                    w.writeAttribute("server", c.server().get().toString());
                }
                if (c.encrypted()) {
                    w.writeAttribute("encrypted", "true");
                }
                if (c.lastmod().isPresent()) {
                    w.writeAttribute("lastmod", c.lastmod().get());
                }
                for (License l : c.licenses()) {
                    w.writeCharacters("\n    ");
                    w.writeStartElement("license");
                    writeTokens(w, "permits", l.permits());
                    writeTokens(w, "prohibits", l.prohibits());
                    if (l.payment().isPresent()) {
                        Payment p = l.payment().get();
                        w.writeCharacters("\n      ");
                        w.writeStartElement("payment");
                        w.writeAttribute("type", p.type());
                        if (p.standard().isPresent()) {
                            simple(w, "standard", p.standard().get().toString());
                        }
                        if (p.custom().isPresent()) {
                            simple(w, "custom", p.custom().get().toString());
                        }
                        if (p.amount().isPresent()) {
                            w.writeCharacters("\n        ");
                            w.writeStartElement("amount");
                            w.writeAttribute("currency", p.currency().orElse("USD"));
                            w.writeCharacters(p.amount().get().toPlainString());
                            w.writeEndElement();
                        }
                        w.writeCharacters("\n      ");
                        w.writeEndElement();
                    }
                    w.writeCharacters("\n    ");
                    w.writeEndElement();
                }
                if (c.terms().isPresent()) {
                    w.writeCharacters("\n    ");
                    w.writeStartElement("terms");
                    w.writeCharacters(c.terms().get().toString());
                    w.writeEndElement();
                }
                w.writeCharacters("\n  ");
                w.writeEndElement();
            }
            w.writeCharacters("\n");
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write RSL XML", e);
        }
        return out + "\n";
    }

    private static void writeTokens(XMLStreamWriter w, String element, Map<String, Set<String>> byType) throws XMLStreamException {
        for (Map.Entry<String, Set<String>> e : byType.entrySet()) {
            w.writeCharacters("\n      ");
            w.writeStartElement(element);
            w.writeAttribute("type", e.getKey());
            w.writeCharacters(String.join(" ", new ArrayList<>(e.getValue()).stream().sorted().toList()));
            w.writeEndElement();
        }
    }

    private static void simple(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeCharacters("\n        ");
        w.writeStartElement(name);
        w.writeCharacters(text);
        w.writeEndElement();
    }
}
