package org.cb4i.proxy.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.files.AtomicFiles;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.log.Checkpoint;

/**
 * Retiring a receipts log ([LOG-6]): its last checkpoint is signed as <b>final</b>, naming a successor log with a new
 * key, and the log moves to {@code log.dir/retired/<log id>/}, from where the proxy keeps serving it (its entries,
 * proofs, final checkpoint and acknowledgements) while the new log takes the proxy's entries.
 *
 * <p><b>Crash behaviour.</b> The steps are recorded first in {@code retire.json} (the old log id, the successor's id
 * and key); every later step can be done again, and the next open of the log folder finishes them (under the log's
 * lock): when the final checkpoint was never written, the plan is dropped and the log goes on; when it was, the log's
 * files are moved (the checkpoint last), its key copied beside them, the successor's key put where {@code log.key}
 * says, and the plan removed. No entry is ever written after a final checkpoint: the log is closed before it is signed,
 * and a log whose checkpoint is final refuses to open for writing.
 */
public final class LogRetirement {
    /** The plan of a retirement under way, in the log folder. */
    static final String PLAN = "retire.json";
    /** The folder, in the log folder, where retired logs are kept, one folder each named by its log id. */
    public static final String RETIRED = "retired";
    /** A retired log's key, in its folder. */
    static final String KEY = "log-key.jwk";
    /** The log's files, moved in this order: the checkpoint, whose being gone says the move began, last. */
    private static final List<String> FILES = List.of(ReceiptLog.ENTRIES, EntryIndex.ENTRIES_INDEX, EntryIndex.RIDS_INDEX, ReceiptLog.RESERVED,
            ReceiptLog.CLEAN, Segments.DIR, SegmentRetention.ACKS, ReceiptLog.CHECKPOINT);

    private LogRetirement() {}

    /**
     * What a retirement did.
     *
     * @param logId the retired log
     * @param successor the log that goes on
     * @param size the entries the final checkpoint covers
     * @param kept where the retired log is kept now
     */
    public record Retired(String logId, String successor, long size, Path kept) {}

    /**
     * Retires the log in {@code settings.dir()} (the proxy that writes it must be stopped: the log's lock says so): a
     * successor key made, the final checkpoint signed, the log moved under {@code retired/}, the new key put in
     * {@code settings.keyFile()}. The next start of the proxy begins the successor log and serves the retired one.
     *
     * @throws IOException when the log is in use, cannot be opened, or a step fails (the next open finishes or undoes it)
     */
    public static Retired retire(ProxyConfig.LogSettings settings, Clock clock, Consumer<String> events) throws IOException {
        ReceiptLog log = ReceiptLog.open(settings, clock, events);
        String logId = log.logId();
        SigningKey next = KeyFiles.generate(KeyAlgorithm.ED25519);
        Checkpoint last;
        try {
            Map<String, Object> plan = new LinkedHashMap<>();
            plan.put("log_id", logId);
            plan.put("successor", next.thumbprint());
            plan.put("key", next.privateJwk().toJSONObject());
            AtomicFiles.write(settings.dir().resolve(PLAN), Json.writePretty(plan).getBytes(StandardCharsets.UTF_8), true, false);
            AtomicFiles.forceDirectory(settings.dir());
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
        last = log.closeRetiring(next.thumbprint());
        crashPoint("retire:final");
        ReceiptLog reopened = ReceiptLog.open(settings, clock, events); // finishes the plan under the log's lock
        reopened.close();
        return new Retired(logId, next.thumbprint(), last.size(), settings.dir().resolve(RETIRED).resolve(logId));
    }

    /**
     * Finishes a retirement whose plan is in {@code settings.dir()}, or drops the plan when the final checkpoint was
     * never written. Called by every open of a log folder, under its lock, before the log's key is read.
     */
    static void finish(ProxyConfig.LogSettings settings, Consumer<String> events) throws IOException {
        Path dir = settings.dir();
        Path planFile = dir.resolve(PLAN);
        if (!Files.exists(planFile)) {
            return;
        }
        JsonNode plan = Json.readObject(Files.readAllBytes(planFile), planFile.toString(), org.cb4i.sdk.Reason.MALFORMED_JSON);
        String logId = plan.path("log_id").asText();
        String successor = plan.path("successor").asText();
        if (!logId.matches("[A-Za-z0-9_-]{43}") || !successor.matches("[A-Za-z0-9_-]{43}") || !plan.path("key").isObject()) {
            throw new IOException(planFile + " should name log_id, successor (log ids) and key (the successor's private JWK); it does not. "
                    + "It is what a retirement of this log left: restore it, or remove it if no final checkpoint was signed");
        }
        Path kept = dir.resolve(RETIRED).resolve(logId);
        boolean signed = Files.exists(kept.resolve(ReceiptLog.CHECKPOINT)) || isFinal(dir.resolve(ReceiptLog.CHECKPOINT), successor);
        if (!signed) {
            Files.delete(planFile);
            AtomicFiles.forceDirectory(dir);
            events.accept("receipts log: a retirement of log " + logId + " stopped before its final checkpoint was signed; the log goes on as it was "
                    + "(run cb4i proxy log retire again to retire it)");
            return;
        }
        Files.createDirectories(kept);
        for (String name : FILES) {
            Path from = dir.resolve(name);
            if (Files.exists(from)) {
                Files.move(from, kept.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
            if (name.equals(Segments.DIR)) {
                crashPoint("retire:moving");
            }
        }
        if (!Files.exists(kept.resolve(KEY))) {
            AtomicFiles.write(kept.resolve(KEY), Files.readAllBytes(settings.keyFile()), true, false);
        }
        AtomicFiles.forceDirectory(kept);
        crashPoint("retire:moved");
        AtomicFiles.write(settings.keyFile(), Json.writePretty(plan.get("key")).getBytes(StandardCharsets.UTF_8), true, true);
        Files.delete(planFile);
        AtomicFiles.forceDirectory(dir);
        events.accept("receipts log: log " + logId + " is retired (its final checkpoint names " + successor + ") and kept in " + kept
                + ", where it is still served; log " + successor + " takes the entries from now on");
    }

    /** The folders of the retired logs kept in log folder {@code dir}, in no particular order. */
    public static List<Path> retiredDirs(Path dir) throws IOException {
        Path root = dir.resolve(RETIRED);
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.list(root)) {
                s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("[A-Za-z0-9_-]{43}")).sorted().forEach(out::add);
            }
        }
        return out;
    }

    /** Whether the checkpoint in {@code file} is final and names {@code successor} (its signature was checked when it was written). */
    private static boolean isFinal(Path file, String successor) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        try {
            return successor.equals(CompactJws.parse(text, Checkpoint.TYP, Checkpoint.MAX_CHARS, "checkpoint").payload().path("successor").asText(null));
        } catch (org.cb4i.sdk.Cb4iException e) {
            return false;
        }
    }

    private static void crashPoint(String step) {
        Segments.crashPoint(step);
    }
}
