package org.cb4i.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.settlement.PriceSchedule;

/** A price schedule file as the operator gives it ({@code --price}), optionally with its allocation from another file. */
final class PriceFiles {
    private PriceFiles() {}

    /**
     * The schedule, checked by SPEC [SET-1].
     *
     * @param allocation a file holding the {@code allocation} member's value (what {@code cb4i value --weights-out}
     *     writes), which replaces the schedule's; null to keep the schedule's own
     * @throws IllegalArgumentException naming the file, and the line or member, that is wrong
     */
    static JsonNode read(Path price, Path allocation) throws IOException {
        JsonNode schedule = json(price);
        String what = price.toString();
        if (allocation != null) {
            if (!(schedule instanceof ObjectNode o)) {
                throw new IllegalArgumentException(price + ": a price schedule is a JSON object");
            }
            o.set("allocation", json(allocation));
            what = price + " with the allocation of " + allocation;
        }
        PriceSchedule.read(schedule, what);
        return schedule;
    }

    private static JsonNode json(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8); // a missing file is reported as such
        try {
            return Json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ":" + e.getLocation().getLineNr() + ": not JSON: " + e.getOriginalMessage());
        }
    }
}
