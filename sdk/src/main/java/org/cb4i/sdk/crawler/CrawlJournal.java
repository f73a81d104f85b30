package org.cb4i.sdk.crawler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.dataset.ManifestRecord;
import org.cb4i.sdk.json.Json;
import org.netpreserve.jwarc.WarcCompression;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcWriter;

/**
 * What a crawl has completed, kept so that a crawl killed at any moment leaves a readable dataset and resumes where
 * it stopped: {@code data.warc.gz} (WARC 1.1, one gzip member per record: a warcinfo record, then a request and a response
 * record for every page kept, {@link WarcRecords}) and {@code records.jsonl} (one line per URL finished, written after
 * its WARC records). On reopening, a torn last line is dropped and the WARC is cut back to
 * the end of the last record a line names, so the two always agree.
 *
 * <p>A journal line is the URL's manifest record ({@link ManifestRecord}, without its id) with what only a resumed
 * crawl needs beside it: the links found on the page ({@code links}) and why its text or credential could not be
 * read ({@code text_error}, {@code credential_error}).
 */
final class CrawlJournal implements AutoCloseable {
    /** One finished URL: its record, the links it led to, and notes kept for the crawl's own use. */
    record Line(ManifestRecord record, List<String> links, Map<String, String> notes) {
        Line {
            links = List.copyOf(links);
            notes = Map.copyOf(notes);
        }

        Line(ManifestRecord record) {
            this(record, List.of(), Map.of());
        }
    }

    static final String WARC = "data.warc.gz";
    static final String RECORDS = "records.jsonl";

    private final FileChannel warcChannel;
    private final WarcWriter warc;
    private final FileChannel records;
    private final List<Line> done;

    private CrawlJournal(FileChannel warcChannel, WarcWriter warc, FileChannel records, List<Line> done) {
        this.warcChannel = warcChannel;
        this.warc = warc;
        this.records = records;
        this.done = done;
    }

    /** Opens (or resumes) the journal in {@code dir}; a new WARC file's warcinfo record is dated {@code now}. */
    static CrawlJournal open(Path dir, java.time.Instant now) throws IOException {
        Files.createDirectories(dir);
        Path recordsFile = dir.resolve(RECORDS);
        List<Line> done = new ArrayList<>();
        long keep = 0;
        long warcEnd = 0;
        if (Files.exists(recordsFile)) {
            byte[] all = Files.readAllBytes(recordsFile);
            int start = 0;
            for (int i = 0; i < all.length; i++) {
                if (all[i] != '\n') {
                    continue;
                }
                String line = new String(all, start, i - start, StandardCharsets.UTF_8);
                try {
                    JsonNode n = Json.readTree(line);
                    if (n instanceof ObjectNode o) {
                        Line read = read(o);
                        done.add(read);
                        if (read.record().warc().isPresent()) {
                            ManifestRecord.Warc w = read.record().warc().get();
                            warcEnd = Math.max(warcEnd, w.offset() + w.length());
                        }
                    }
                } catch (IOException | MalformedInputException e) {
                    break; // a torn line: everything from here was not completed
                }
                start = i + 1;
                keep = start;
            }
        }
        FileChannel rec = FileChannel.open(recordsFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        rec.truncate(keep);
        rec.position(keep);
        FileChannel w = FileChannel.open(dir.resolve(WARC), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (w.size() > warcEnd) {
            w.truncate(warcEnd);
        }
        w.position(warcEnd);
        WarcWriter writer = new WarcWriter(w, WarcCompression.GZIP);
        if (warcEnd == 0) {
            // [DST-3]: a WARC file opens with its warcinfo record (written again when a crawl resumes with nothing kept).
            writer.write(WarcRecords.info(WARC, now, Crawler.PRODUCT + "/0.1"));
        }
        return new CrawlJournal(w, writer, rec, done);
    }

    /** The lines of URLs finished in earlier runs. */
    List<Line> done() {
        return done;
    }

    /**
     * Writes a fetch's request record and then its response record ([DST-3]) and returns where the response is: a line
     * names its response, and the request before it is within what the line's end keeps on a resume.
     */
    ManifestRecord.Warc writeExchange(WarcRecord request, WarcRecord response) throws IOException {
        warc.write(request);
        long offset = warcChannel.position();
        warc.write(response);
        return new ManifestRecord.Warc(WARC, offset, warcChannel.position() - offset, java.util.Optional.of(response.id().toString()));
    }

    /** Appends a finished URL's line (after its WARC record, if any), durably. */
    void append(Line line) throws IOException {
        warcChannel.force(false);
        ByteBuffer b = ByteBuffer.wrap((Json.write(write(line)) + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            records.write(b);
        }
        records.force(false);
        done.add(line);
    }

    @Override
    public void close() throws IOException {
        try {
            // Each record is a complete gzip member once write() returns; WarcWriter.close() would append an empty one.
            warcChannel.close();
        } finally {
            records.close();
        }
    }

    /**
     * Adds a license token to the crawl's file of tokens used (one a line, forced to disk) unless it is there, and
     * returns every token the file holds: a resumed crawl's manifest names the licenses of all its runs.
     */
    static List<String> rememberLicense(Path file, String token) {
        try {
            Files.createDirectories(file.getParent());
            List<String> known = new ArrayList<>();
            if (Files.exists(file)) {
                Files.readAllLines(file, StandardCharsets.US_ASCII).stream().map(String::strip).filter(x -> !x.isEmpty()).forEach(known::add);
            }
            if (!known.contains(token)) {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                    ch.write(ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.US_ASCII)));
                    ch.force(true);
                }
                known.add(token);
            }
            return known;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(file.getParent() + ": cannot record the license used", e);
        }
    }

    private static ObjectNode write(Line line) {
        ObjectNode o = Json.readObject(line.record().toBytes(), "a record", org.cb4i.sdk.Reason.MALFORMED_JSON);
        ArrayNode links = o.putArray("links");
        line.links().forEach(links::add);
        line.notes().forEach(o::put);
        return o;
    }

    private static Line read(ObjectNode o) {
        List<String> links = new ArrayList<>();
        o.path("links").forEach(l -> links.add(l.asText()));
        Map<String, String> notes = new java.util.LinkedHashMap<>();
        for (String n : List.of("text_error", "credential_error")) {
            if (o.hasNonNull(n)) {
                notes.put(n, o.get(n).asText());
            }
        }
        return new Line(ManifestRecord.of(o), links, notes);
    }
}
