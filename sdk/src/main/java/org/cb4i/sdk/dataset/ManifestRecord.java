package org.cb4i.sdk.dataset;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.json.Json;

/**
 * One record line of a manifest ([DST-1]): what {@code cb4i crawl} writes ({@link Builder}, {@link #toBytes}) and what
 * the record checks read ({@link #read}). Reading takes one pass of the shared strict parser (duplicate members,
 * depth, string length and UTF-8 are refused as anywhere else in cb4i); members it does not know are skipped, as
 * [DST-1] says, so a line written by another tool reads back without them. No JSON tree is built and the receipt's
 * proof is decoded from the parser's buffer: on a re-verification, where credentials repeat, building the tree and
 * the strings of the proof was half of the work.
 *
 * <p>Nothing here judges the record: a member of the wrong type reads as absent (or, for text members, as the text
 * of the value), and the checks say what is missing. The one judgement made while reading is the proof's: a hash
 * that is not 64 hex digits is kept as {@link Receipt#proofProblem()}, so that one bad hash is that record's
 * finding.
 *
 * @param id the record's id, when it has one a number can be read from
 * @param url its URL ("" when absent)
 * @param fetchedAt its {@code fetched_at}, when that is a number within a long's range (truncated toward zero)
 * @param status the HTTP status the site answered, when it was asked
 * @param outcome its {@code outcome}, when present: lines whose outcome is not {@code fetched} are not dataset records
 * @param reason why it was refused, skipped or failed (a {@code Reason} name or the crawler's own), when it was
 * @param detail what the site or the crawler said of it, when something
 * @param location where a redirect pointed, when it did
 * @param contentType its {@code content_type} ("" when absent)
 * @param bytes how many bytes the site sent, when fetched
 * @param bytesSha256 its {@code bytes_sha256}, when that is a string
 * @param text its {@code text} member, when present
 * @param credential its {@code credential}, when present
 * @param license its {@code license} (the token's {@code jti}), when present
 * @param receipt its {@code receipt}, when present
 * @param warc where its content is stored, when it names a WARC file
 */
public record ManifestRecord(OptionalLong id, String url, OptionalLong fetchedAt, OptionalInt status, Optional<String> outcome,
        Optional<String> reason, Optional<String> detail, Optional<String> location, String contentType, OptionalLong bytes,
        Optional<String> bytesSha256, Optional<Text> text, Optional<String> credential, Optional<String> license,
        Optional<Receipt> receipt, Optional<Warc> warc) {

    /**
     * @param sha256 the canonical text's digest as stated ("" when absent)
     * @param paragraphs how many paragraphs the canonical text has, when stated
     * @param paragraphsRoot the Merkle root of the paragraph digests ([CAN-4]), when stated
     * @param kept the text a pipeline kept of the page, when it cut the page down
     * @param paragraphDigests the page's paragraph digests as stated (empty when absent)
     */
    public record Text(String sha256, OptionalInt paragraphs, Optional<String> paragraphsRoot, Optional<String> kept,
            List<String> paragraphDigests) {
        public Text {
            paragraphDigests = List.copyOf(paragraphDigests);
        }
    }

    /**
     * @param log the log id ("" when absent)
     * @param rid the receipt id ("" when absent)
     * @param origin the site whose proxy issued it, when stated (the crawler asks that origin for the proof)
     * @param entry the log entry as logged (its exact text is what the Merkle leaf hashes), when a string
     * @param index the entry's index in the log (0 when absent)
     * @param inclusionProof the proof's hashes, decoded (empty when absent or when {@code proofProblem} is present)
     * @param proofProblem what is wrong with the proof as written, when something is
     * @param treeSize the size of the tree the proof is for, when stated
     * @param checkpoint the compact checkpoint the proof is for, when a string
     * @param proofChecked whether the writer found the proof to lead to the checkpoint's root, when it checked
     * @param error why the crawler got no receipt, when it says
     */
    public record Receipt(String log, String rid, Optional<String> origin, Optional<String> entry, long index, List<byte[]> inclusionProof,
            Optional<String> proofProblem, OptionalLong treeSize, Optional<String> checkpoint, Optional<Boolean> proofChecked,
            Optional<String> error) {
        public Receipt {
            inclusionProof = List.copyOf(inclusionProof);
        }

        /** A receipt as a response names it ({@code CB4I-Receipt}), before its entry and proof are fetched. */
        public static Receipt named(String log, String rid, String origin) {
            return new Receipt(log, rid, Optional.of(origin), Optional.empty(), 0, List.of(), Optional.empty(), OptionalLong.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty());
        }

        /** This receipt with its entry and inclusion proof as the log gave them (checkpoint and check when there is one). */
        public Receipt proven(String entry, long index, List<byte[]> proof, OptionalLong treeSize, Optional<String> checkpoint,
                Optional<Boolean> checked) {
            return new Receipt(log, rid, origin, Optional.of(entry), index, proof, Optional.empty(), treeSize, checkpoint, checked, error);
        }

        /** This receipt with why it could not be proven. */
        public Receipt failed(String why) {
            return new Receipt(log, rid, origin, entry, index, inclusionProof, proofProblem, treeSize, checkpoint, proofChecked,
                    Optional.of(why));
        }
    }

    /**
     * @param file the WARC file's name, as the record gives it
     * @param offset where its WARC record starts in that file
     * @param length how many bytes of the file the record takes (0 when absent)
     * @param recordId the record's {@code WARC-Record-ID}, when the manifest gives it: the record is found by it when the
     *     file was re-packed ([VER-8])
     */
    public record Warc(String file, long offset, long length, Optional<String> recordId) {
        /** A place without a length or record id. */
        public Warc(String file, long offset) {
            this(file, offset, 0, Optional.empty());
        }
    }

    /**
     * A record line's {@code warc} member, found without parsing the rest of the line: the last {@code "warc"} key of
     * the line (the crawler writes it last) and the object after it. For a first look at what a dataset's WARC files
     * should hold; it is a hint, not the record's reading ({@link #read} is): a line can hold a {@code "warc"} key
     * inside another member, and whoever uses this must check what it finds. Empty when there is none.
     */
    public static Optional<Warc> warcOf(byte[] line) {
        for (int i = line.length - 6; i >= 0; i--) {
            if (line[i] == '"' && line[i + 1] == 'w' && line[i + 2] == 'a' && line[i + 3] == 'r' && line[i + 4] == 'c' && line[i + 5] == '"') {
                int j = skipSpace(line, i + 6);
                if (j < line.length && line[j] == ':') {
                    j = skipSpace(line, j + 1);
                    if (j < line.length && line[j] == '{') {
                        try (JsonParser p = Json.mapper().getFactory().createParser(line, j, line.length - j)) {
                            return ManifestRecordParser.readWarc(p, p.nextToken());
                        } catch (IOException | RuntimeException e) {
                            return Optional.empty();
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static int skipSpace(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i;
    }

    /**
     * Reads a record line.
     *
     * @throws MalformedInputException ({@link Reason#MALFORMED_JSON}) when the line is not JSON ("not JSON") or not an
     *     object ("not a JSON object")
     */
    public static ManifestRecord read(byte[] line) {
        try (JsonParser p = Json.mapper().getFactory().createParser(line)) {
            return ManifestRecordParser.read(p, line);
        } catch (ManifestRecordParser.NotAnObject e) {
            throw new MalformedInputException(Reason.MALFORMED_JSON, e.getMessage());
        } catch (IOException | RuntimeException e) { // Jackson's number parsers throw NumberFormatException for some input
            throw new MalformedInputException(Reason.MALFORMED_JSON, "not JSON", e);
        }
    }

    /** The same reading of a record already parsed into a tree (a library caller's, a test's). */
    public static ManifestRecord of(ObjectNode record) {
        try (JsonParser p = Json.mapper().treeAsTokens(record)) {
            return ManifestRecordParser.read(p, null);
        } catch (ManifestRecordParser.NotAnObject e) {
            throw new MalformedInputException(Reason.MALFORMED_JSON, e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new MalformedInputException(Reason.MALFORMED_JSON, "not JSON", e);
        }
    }

    /** This record with its id, as the manifest numbers it. */
    public ManifestRecord withId(long n) {
        return new ManifestRecord(OptionalLong.of(n), url, fetchedAt, status, outcome, reason, detail, location, contentType, bytes,
                bytesSha256, text, credential, license, receipt, warc);
    }

    /** This record with another receipt (the same receipt once proven). */
    public ManifestRecord withReceipt(Receipt r) {
        return new ManifestRecord(id, url, fetchedAt, status, outcome, reason, detail, location, contentType, bytes, bytesSha256, text,
                credential, license, Optional.of(r), warc);
    }

    /**
     * The line, without its newline: members in the order [DST-1] lists them, each only when present. What reading
     * did not keep (members this type does not know, a proof that was not hashes) is not written.
     */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            g.writeStartObject();
            if (id.isPresent()) {
                g.writeNumberField("id", id.getAsLong());
            }
            g.writeStringField("url", url);
            if (fetchedAt.isPresent()) {
                g.writeNumberField("fetched_at", fetchedAt.getAsLong());
            }
            if (status.isPresent()) {
                g.writeNumberField("status", status.getAsInt());
            }
            string(g, "outcome", outcome);
            string(g, "reason", reason);
            string(g, "detail", detail);
            string(g, "location", location);
            if (!contentType.isEmpty()) {
                g.writeStringField("content_type", contentType);
            }
            if (bytes.isPresent()) {
                g.writeNumberField("bytes", bytes.getAsLong());
            }
            string(g, "bytes_sha256", bytesSha256);
            if (text.isPresent()) {
                Text t = text.get();
                g.writeObjectFieldStart("text");
                g.writeStringField("sha256", t.sha256());
                if (t.paragraphs().isPresent()) {
                    g.writeNumberField("paragraphs", t.paragraphs().getAsInt());
                }
                string(g, "paragraphs_root", t.paragraphsRoot());
                string(g, "kept", t.kept());
                g.writeArrayFieldStart("paragraph_digests");
                for (String d : t.paragraphDigests()) {
                    g.writeString(d);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            string(g, "credential", credential);
            string(g, "license", license);
            if (receipt.isPresent()) {
                writeReceipt(g, receipt.get());
            }
            if (warc.isPresent()) {
                Warc w = warc.get();
                g.writeObjectFieldStart("warc");
                g.writeStringField("file", w.file());
                g.writeNumberField("offset", w.offset());
                if (w.length() > 0) {
                    g.writeNumberField("length", w.length());
                }
                string(g, "record_id", w.recordId());
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // into memory: not expected
        }
        return out.toByteArray();
    }

    private static void writeReceipt(JsonGenerator g, Receipt r) throws IOException {
        g.writeObjectFieldStart("receipt");
        g.writeStringField("log", r.log());
        g.writeStringField("rid", r.rid());
        string(g, "origin", r.origin());
        if (r.entry().isPresent()) {
            g.writeStringField("entry", r.entry().get());
            g.writeNumberField("index", r.index());
            g.writeArrayFieldStart("inclusion_proof");
            for (byte[] h : r.inclusionProof()) {
                g.writeString(HexFormat.of().formatHex(h));
            }
            g.writeEndArray();
        }
        if (r.treeSize().isPresent()) {
            g.writeNumberField("tree_size", r.treeSize().getAsLong());
        }
        string(g, "checkpoint", r.checkpoint());
        if (r.proofChecked().isPresent()) {
            g.writeBooleanField("proof_checked", r.proofChecked().get());
        }
        string(g, "error", r.error());
        g.writeEndObject();
    }

    private static void string(JsonGenerator g, String name, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            g.writeStringField(name, value.get());
        }
    }

    /** A record built member by member, as a crawler learns them. */
    public static final class Builder {
        OptionalLong id = OptionalLong.empty();
        String url = "";
        OptionalLong fetchedAt = OptionalLong.empty();
        OptionalInt status = OptionalInt.empty();
        Optional<String> outcome = Optional.empty();
        Optional<String> reason = Optional.empty();
        Optional<String> detail = Optional.empty();
        Optional<String> location = Optional.empty();
        String contentType = "";
        OptionalLong bytes = OptionalLong.empty();
        Optional<String> bytesSha256 = Optional.empty();
        Optional<Text> text = Optional.empty();
        Optional<String> credential = Optional.empty();
        Optional<String> license = Optional.empty();
        Optional<Receipt> receipt = Optional.empty();
        Optional<Warc> warc = Optional.empty();

        public Builder() {
        }

        /** Starts a record for a URL fetched (or considered) at a time, in seconds since the epoch. */
        public Builder(String url, long fetchedAt) {
            this.url = url;
            this.fetchedAt = OptionalLong.of(fetchedAt);
        }

        public Builder status(int s) {
            status = OptionalInt.of(s);
            return this;
        }

        public Builder license(String jti) {
            license = Optional.of(jti);
            return this;
        }

        /** The outcome ({@code fetched}, {@code refused}, {@code skipped}, {@code failed}) with why, for all but fetched. */
        public Builder outcome(String o, Optional<String> why, Optional<String> what) {
            outcome = Optional.of(o);
            reason = why;
            detail = what;
            return this;
        }

        public Builder detail(String d) {
            detail = Optional.of(d);
            return this;
        }

        public Builder location(String l) {
            location = Optional.of(l);
            return this;
        }

        /** What was fetched: its media type, size and digest. */
        public Builder content(String type, long size, String sha256) {
            contentType = type;
            bytes = OptionalLong.of(size);
            bytesSha256 = Optional.of(sha256);
            return this;
        }

        public Builder text(Text t) {
            text = Optional.of(t);
            return this;
        }

        public Builder credential(String c) {
            credential = Optional.of(c);
            return this;
        }

        public Builder receipt(Receipt r) {
            receipt = Optional.of(r);
            return this;
        }

        public Builder warc(Warc w) {
            warc = Optional.of(w);
            return this;
        }

        /** The credential, when one was set. */
        public Optional<String> credential() {
            return credential;
        }

        public Optional<String> bytesSha256() {
            return bytesSha256;
        }

        public ManifestRecord build() {
            return new ManifestRecord(id, url, fetchedAt, status, outcome, reason, detail, location, contentType, bytes, bytesSha256, text,
                    credential, license, receipt, warc);
        }
    }
}
