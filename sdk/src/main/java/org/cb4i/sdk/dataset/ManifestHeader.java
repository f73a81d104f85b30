package org.cb4i.sdk.dataset;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.json.Json;

/**
 * The first line of a dataset manifest ([DST-1]): who built the dataset, for which declared usage, and the evidence it
 * was built under, as fetched at the end of the crawl: the license tokens used, the status-list tokens and repertoires
 * seen, the sites' signals, and each receipts log's key set and checkpoints. {@link #toBytes} writes it (the crawler),
 * {@link #parse} reads it (the verifier), side by side.
 *
 * <p>Reading takes the header as it is and leaves judging to the verifier, as for a record: an element of another type
 * in a list of tokens reads as its text (and fails its signature check there), a member that is absent reads as empty,
 * unknown members are skipped. What makes a line not a header at all is refused: not a JSON object, or a {@code type}
 * other than {@value #TYPE}.
 *
 * @param builder who built it (free text)
 * @param usage the declared usage's token
 * @param created when (NumericDate)
 * @param licenses the compact license tokens used
 * @param statusLists the compact status-list tokens fetched at the end of the crawl
 * @param repertoires the compact repertoires of the collectives
 * @param sites per crawled origin, its signals
 * @param logs per receipts-log id, what the crawler fetched of it
 */
public record ManifestHeader(int version, String builder, String usage, long created, List<String> licenses, List<String> statusLists,
        List<String> repertoires, List<Site> sites, Map<String, Log> logs) {
    /** The header's {@code type}. */
    public static final String TYPE = "cb4i-manifest";

    public ManifestHeader {
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(usage, "usage");
        licenses = List.copyOf(licenses);
        statusLists = List.copyOf(statusLists);
        repertoires = List.copyOf(repertoires);
        sites = List.copyOf(sites);
        logs = Collections.unmodifiableMap(new LinkedHashMap<>(logs));
    }

    /**
     * A crawled origin's signals.
     *
     * @param robotsLicenses the {@code License:} URLs of its robots.txt
     * @param contentUsage its AIPREF {@code Content-Usage} for "/", when it states one
     * @param terms the RSL terms the first of those names, as fetched
     * @param signaturePolicy {@code reusable} or {@code per-request}, as its discovery document says
     */
    public record Site(String origin, List<String> robotsLicenses, Optional<String> contentUsage, Optional<Terms> terms, String signaturePolicy) {
        public Site {
            robotsLicenses = List.copyOf(robotsLicenses);
        }
    }

    /** RSL terms as fetched: where, and the SHA-256 (hex) of what was there. */
    public record Terms(String url, String sha256) {}

    /**
     * What the crawler fetched of a receipts log.
     *
     * @param jwks the log's key set as served (JSON text), when it could be read
     * @param jwksError why not
     * @param checkpoints the compact checkpoints its proofs were given against
     * @param checkpointError why a checkpoint did not verify, when one did not
     */
    public record Log(String origin, Optional<String> jwks, Optional<String> jwksError, List<String> checkpoints, Optional<String> checkpointError) {
        public Log {
            checkpoints = List.copyOf(checkpoints);
        }
    }

    /** The header line's bytes: compact JSON, members in the order of [DST-1] (no line feed). */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", TYPE);
            g.writeNumberField("version", version);
            g.writeStringField("builder", builder);
            g.writeStringField("usage", usage);
            g.writeNumberField("created", created);
            strings(g, "licenses", licenses);
            strings(g, "status_lists", statusLists);
            strings(g, "repertoires", repertoires);
            g.writeArrayFieldStart("sites");
            for (Site s : sites) {
                g.writeStartObject();
                g.writeStringField("origin", s.origin());
                strings(g, "robots_licenses", s.robotsLicenses());
                if (s.contentUsage().isPresent()) {
                    g.writeStringField("content_usage", s.contentUsage().get());
                }
                if (s.terms().isPresent()) {
                    g.writeObjectFieldStart("terms");
                    g.writeStringField("url", s.terms().get().url());
                    g.writeStringField("sha256", s.terms().get().sha256());
                    g.writeEndObject();
                }
                g.writeStringField("signature_policy", s.signaturePolicy());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("logs");
            for (Map.Entry<String, Log> e : logs.entrySet()) {
                Log l = e.getValue();
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField("origin", l.origin());
                if (l.jwks().isPresent()) {
                    g.writeFieldName("jwks");
                    g.writeTree(Json.readTree(l.jwks().get()));
                }
                if (l.jwksError().isPresent()) {
                    g.writeStringField("jwks_error", l.jwksError().get());
                }
                strings(g, "checkpoints", l.checkpoints());
                if (l.checkpointError().isPresent()) {
                    g.writeStringField("checkpoint_error", l.checkpointError().get());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /**
     * Reads a header line.
     *
     * @param where names the line in messages, e.g. {@code dataset/manifest.jsonl:1}
     * @throws MalformedInputException ({@link Reason#MALFORMED_JSON}) naming {@code where} when the line is not a JSON
     *     object or not a cb4i manifest header
     */
    public static ManifestHeader parse(byte[] line, String where) {
        return of(Json.readObject(line, where, Reason.MALFORMED_JSON), where);
    }

    /** The same reading of a header already parsed into a tree (a library caller's, a test's). */
    public static ManifestHeader of(ObjectNode h, String where) {
        if (!TYPE.equals(h.path("type").asText())) {
            throw new MalformedInputException(Reason.MALFORMED_JSON, where + ": not a cb4i manifest header (type is not \"" + TYPE + "\")");
        }
        List<Site> sites = new ArrayList<>();
        for (JsonNode s : h.path("sites")) {
            JsonNode t = s.path("terms");
            sites.add(new Site(s.path("origin").asText(), texts(s.path("robots_licenses")), text(s.path("content_usage")),
                    t.isObject() ? Optional.of(new Terms(t.path("url").asText(), t.path("sha256").asText())) : Optional.empty(),
                    s.path("signature_policy").asText("reusable")));
        }
        Map<String, Log> logs = new LinkedHashMap<>();
        h.path("logs").fields().forEachRemaining(e -> {
            JsonNode l = e.getValue();
            logs.put(e.getKey(), new Log(l.path("origin").asText(), l.has("jwks") ? Optional.of(Json.write(l.get("jwks"))) : Optional.empty(),
                    text(l.path("jwks_error")), texts(l.path("checkpoints")), text(l.path("checkpoint_error"))));
        });
        return new ManifestHeader(h.path("version").asInt(0), h.path("builder").asText(""), h.path("usage").asText(""), h.path("created").asLong(0),
                texts(h.path("licenses")), texts(h.path("status_lists")), texts(h.path("repertoires")), sites, logs);
    }

    /** The elements of an array (or the values of an object) as text, as {@code asText} gives them; empty for anything else. */
    private static List<String> texts(JsonNode container) {
        List<String> out = new ArrayList<>();
        container.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Optional<String> text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? Optional.empty() : Optional.of(n.asText());
    }
}
