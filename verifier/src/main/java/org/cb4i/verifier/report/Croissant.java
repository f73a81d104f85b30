package org.cb4i.verifier.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.cb4i.sdk.json.Json;
import org.cb4i.verifier.DatasetVerifier;
import org.cb4i.verifier.RecordResult;
import org.cb4i.verifier.Status;

/**
 * Exports verified provenance as Croissant 1.1 metadata, so that it travels with the dataset: every property the
 * Croissant 1.1 specification requires of a dataset ({@code name}, {@code description}, {@code license}, {@code url},
 * {@code creator}, {@code datePublished}, {@code conformsTo}) and those it recommends ({@code keywords}, {@code publisher},
 * {@code dateCreated}, {@code dateModified}; {@code version}, {@code inLanguage}, {@code sameAs} and {@code sdLicence} when
 * the dataset's maker gives them), under its recommended JSON-LD context; the manifest, the WARC and the verification results
 * ({@code verification.jsonl}, one line per record) as file objects with their SHA-256; and a record set whose fields
 * (URL, fetch time, content digest, publisher, collective, license, verdict and its reasons) are read from the
 * verification results by JSON path. What a crawl cannot know of the dataset ({@link About}) is given, never invented.
 */
public final class Croissant {
    private Croissant() {}

    /** The Croissant 1.1 version IRI a document conforms to. */
    public static final String CONFORMS_TO = "http://mlcommons.org/croissant/1.1";

    /**
     * What a crawl cannot know of the dataset it made, and must be told: the properties Croissant 1.1 requires, and those
     * it recommends that only the dataset's maker can give (each left out when not given, never invented).
     *
     * @param license a license's URL (Croissant recommends an SPDX license URL) or name
     * @param creators people or organisations, each a name or a URL
     * @param published when the dataset was published
     * @param publishers who publishes it (a name or a URL each; the creators when none is given)
     * @param version the dataset's version (Croissant recommends MAJOR.MINOR.PATCH)
     * @param languages the languages of its content (BCP 47 tags)
     * @param sameAs other Web resources that are this dataset
     * @param metadataLicense the license of this metadata ({@code sdLicence})
     */
    public record About(String name, String url, String license, List<String> creators, Instant published, List<String> publishers,
            java.util.Optional<String> version, List<String> languages, List<String> sameAs, java.util.Optional<String> metadataLicense) {
        public About {
            creators = List.copyOf(creators);
            publishers = List.copyOf(publishers);
            languages = List.copyOf(languages);
            sameAs = List.copyOf(sameAs);
        }

        /** Only what Croissant 1.1 requires. */
        public About(String name, String url, String license, List<String> creators, Instant published) {
            this(name, url, license, creators, published, List.of(), java.util.Optional.empty(), List.of(), List.of(), java.util.Optional.empty());
        }
    }

    private static void parties(ArrayNode into, List<String> names) {
        for (String c : names) {
            ObjectNode o = into.addObject();
            o.put("@type", "sc:Organization");
            o.put(c.startsWith("https://") || c.startsWith("http://") ? "url" : "name", c);
        }
    }

    /** One line of {@code verification.jsonl}. */
    public static ObjectNode line(RecordResult r) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("id", r.id());
        o.put("url", r.url());
        o.put("fetched_at", r.fetchedAt().map(Instant::toString).orElse(""));
        o.put("bytes_sha256", r.bytesSha256());
        o.put("publisher", r.publisher());
        o.put("collective", r.collective().orElse(""));
        o.put("license", r.license().orElse(""));
        o.put("status", r.status().name());
        o.put("reasons", String.join(" ", r.findings().stream().map(f -> f.code()).distinct().toList()));
        return o;
    }

    /**
     * The Croissant document.
     *
     * @param files the dataset's files (manifest, WARC, verification results), by path relative to the document
     */
    public static ObjectNode document(About about, String usage, DatasetVerifier.Summary s, Path base, List<Path> files, Instant created)
            throws IOException {
        ObjectNode d = Json.mapper().createObjectNode();
        // Croissant 1.1's recommended context (its appendix 1), as it is.
        ObjectNode ctx = d.putObject("@context");
        ctx.put("@language", "en");
        ctx.put("@vocab", "http://schema.org/");
        ctx.put("sc", "http://schema.org/");
        ctx.put("cr", "http://mlcommons.org/croissant/");
        ctx.put("rai", "http://mlcommons.org/croissant/RAI/");
        ctx.put("dct", "http://purl.org/dc/terms/");
        for (String k : List.of("annotation", "arrayShape", "citeAs", "column", "containedIn", "equivalentProperty", "excludes", "extract", "field",
                "fileProperty", "fileObject", "fileSet", "format", "includes", "isArray", "isLiveDataset", "jsonPath", "key", "md5", "parentField",
                "recordSet", "references", "regex", "readLines", "sdVersion", "separator", "source", "subField", "transform", "unArchive", "value")) {
            ctx.put(k, "cr:" + k);
        }
        ctx.put("conformsTo", "dct:conformsTo");
        ctx.putObject("data").put("@id", "cr:data").put("@type", "@json");
        ctx.putObject("dataType").put("@id", "cr:dataType").put("@type", "@vocab");
        ctx.putObject("examples").put("@id", "cr:examples").put("@type", "@json");
        d.put("@type", "sc:Dataset");
        d.put("conformsTo", CONFORMS_TO);
        d.put("name", about.name());
        d.put("url", about.url());
        d.put("license", about.license());
        parties(d.putArray("creator"), about.creators());
        parties(d.putArray("publisher"), about.publishers().isEmpty() ? about.creators() : about.publishers());
        d.put("datePublished", about.published().toString());
        about.version().ifPresent(v -> d.put("version", v));
        if (!about.languages().isEmpty()) {
            about.languages().forEach(d.putArray("inLanguage")::add);
        }
        if (!about.sameAs().isEmpty()) {
            about.sameAs().forEach(d.putArray("sameAs")::add);
        }
        about.metadataLicense().ifPresent(l -> d.put("sdLicence", l));
        d.put("description", "A web crawl made under cb4i licenses, verified record by record: " + s.verified() + " of " + s.records()
                + " records verified for " + usage + " (" + String.join(", ", s.byStatus().entrySet().stream()
                        .map(e -> e.getValue() + " " + e.getKey()).toList()) + ").");
        d.put("dateCreated", created.toString());
        d.put("dateModified", created.toString()); // a crawl's dataset is not changed after its manifest is written
        d.put("keywords", "cb4i, provenance, licensed crawl, " + usage);
        ArrayNode dist = d.putArray("distribution");
        for (Path f : files) {
            ObjectNode fo = dist.addObject();
            String rel = base.relativize(f.toAbsolutePath().normalize()).toString();
            fo.put("@type", "cr:FileObject");
            fo.put("@id", rel);
            fo.put("name", rel);
            fo.put("contentUrl", rel);
            fo.put("encodingFormat", rel.endsWith(".warc.gz") ? "application/warc" : "application/jsonlines");
            fo.put("sha256", sha256(f));
        }
        ObjectNode rs = d.putArray("recordSet").addObject();
        rs.put("@type", "cr:RecordSet");
        rs.put("@id", "records");
        rs.put("name", "records");
        rs.put("description", "Each record's provenance as the cb4i verifier established it; status VERIFIED means the content matches "
                + "its digests, was fetched under a license valid then for the declared usage, and the site's receipt for it is proven.");
        ArrayNode fields = rs.putArray("field");
        field(fields, "url", "sc:URL", "The URL the record was fetched from.");
        field(fields, "fetched_at", "sc:DateTime", "When it was fetched.");
        field(fields, "bytes_sha256", "sc:Text", "SHA-256 of the content as fetched.");
        field(fields, "publisher", "sc:URL", "The publisher's origin.");
        field(fields, "collective", "sc:Text", "The collective whose license it was fetched under.");
        field(fields, "license", "sc:Text", "The license's id (jti).");
        field(fields, "status", "sc:Text", "The verifier's verdict: " + String.join(", ", java.util.Arrays.stream(Status.values()).map(Enum::name).toList())
                + ".");
        field(fields, "reasons", "sc:Text", "Why, when the record is not VERIFIED: the findings' codes (SPEC.md section 14), separated by spaces.");
        for (var f : fields) {
            ObjectNode src = ((ObjectNode) f).putObject("source");
            src.putObject("fileObject").put("@id", "verification.jsonl");
            src.putObject("extract").put("jsonPath", "$." + f.get("name").asText());
        }
        return d;
    }

    private static void field(ArrayNode fields, String name, String type, String description) {
        ObjectNode f = fields.addObject();
        f.put("@type", "cr:Field");
        f.put("@id", "records/" + name);
        f.put("name", name);
        f.put("description", description);
        f.put("dataType", type);
    }

    private static String sha256(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
