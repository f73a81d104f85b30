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
 * Exports verified provenance as Croissant 1.1 metadata, so that it travels with the dataset: the manifest, the WARC
 * and the verification results ({@code verification.jsonl}, one line per record) as file objects with their
 * SHA-256, and a record set whose fields (URL, fetch time, content digest, publisher, collective, license, status)
 * are read from the verification results by JSON path.
 */
public final class Croissant {
    private Croissant() {}

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
        return o;
    }

    /**
     * The Croissant document.
     *
     * @param files the dataset's files (manifest, WARC, verification results), by path relative to the document
     */
    public static ObjectNode document(String name, String usage, DatasetVerifier.Summary s, Path base, List<Path> files, Instant created)
            throws IOException {
        ObjectNode d = Json.mapper().createObjectNode();
        ObjectNode ctx = d.putObject("@context");
        ctx.put("@language", "en");
        ctx.put("@vocab", "https://schema.org/");
        ctx.put("sc", "https://schema.org/");
        ctx.put("cr", "http://mlcommons.org/croissant/");
        ctx.put("dct", "http://purl.org/dc/terms/");
        for (String k : List.of("citeAs", "column", "extract", "field", "fileObject", "fileSet", "format", "includes", "jsonPath", "key",
                "recordSet", "references", "source", "subField", "transform", "dataType")) {
            ctx.put(k, "cr:" + k);
        }
        ctx.put("conformsTo", "dct:conformsTo");
        d.put("@type", "sc:Dataset");
        d.put("conformsTo", "http://mlcommons.org/croissant/1.1");
        d.put("name", name);
        d.put("description", "A web crawl made under cb4i licenses, verified record by record: " + s.verified() + " of " + s.records()
                + " records verified for " + usage + " (" + String.join(", ", s.byStatus().entrySet().stream()
                        .map(e -> e.getValue() + " " + e.getKey()).toList()) + ").");
        d.put("dateCreated", created.toString());
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
