package org.cb4i.proxy.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cb4i.sdk.json.Json;

/**
 * When a sealed segment may leave the hot disk ([LOG-5]): once every collective with a collector key has acknowledged
 * a tree that holds all of it ([SET-9]: the acknowledgements the proxy checked and kept under {@code acks/}), or once it
 * has been sealed for the configured retention. Segments leave in order: the oldest first, and one that must stay keeps
 * every later one.
 */
final class SegmentRetention {
    static final String ACKS = "acks";

    private SegmentRetention() {}

    /** The file an acknowledgement by collective {@code iss} is kept in. */
    static Path ackFile(Path logDir, String iss) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(iss.getBytes(StandardCharsets.UTF_8));
            return logDir.resolve(ACKS).resolve(HexFormat.of().formatHex(h, 0, 8) + ".jwt");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The tree size each collective has acknowledged (absent when it has acknowledged nothing). The files were checked
     * against the collector key and this log's tree when they were received; an unreadable one counts as no
     * acknowledgement.
     */
    static Map<String, Long> acknowledged(Path logDir, Set<String> collectives) {
        Map<String, Long> out = new HashMap<>();
        for (String iss : collectives) {
            Path f = ackFile(logDir, iss);
            try {
                if (!Files.exists(f)) {
                    continue;
                }
                String[] parts = Files.readString(f, StandardCharsets.US_ASCII).strip().split("\\.");
                JsonNode claims = Json.mapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
                if (iss.equals(claims.path("iss").asText()) && claims.path("size").canConvertToLong()) {
                    out.put(iss, claims.path("size").asLong());
                }
            } catch (IOException | RuntimeException e) {
                // no acknowledgement to rely on: the segment stays
            }
        }
        return out;
    }

    /** The sealed segments, oldest first, that may leave the hot disk now. */
    static List<Segments.Seal> due(List<Segments.Seal> seals, Map<String, Long> acked, Set<String> collectives, Optional<Duration> retention,
            Instant now) {
        List<Segments.Seal> out = new ArrayList<>();
        for (Segments.Seal s : seals) {
            if (s.where() != Segments.Where.HOT) {
                continue;
            }
            boolean ackedByAll = !collectives.isEmpty() && collectives.stream().allMatch(c -> acked.getOrDefault(c, 0L) >= s.end());
            boolean expired = retention.isPresent() && !now.isBefore(s.sealedAt().plus(retention.get()));
            if (!ackedByAll && !expired) {
                break;
            }
            out.add(s);
        }
        return out;
    }
}
