package org.cb4i.verifier.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cb4i.sdk.json.Json;
import org.cb4i.verifier.DatasetVerifier;
import org.cb4i.verifier.Finding;
import org.cb4i.verifier.RecordResult;
import org.cb4i.verifier.Status;
import org.cb4i.verifier.warc.WarcIndex;

/**
 * The JSON report: {@code {"summary": {...}, "records": [{"id", "url", "status", "publisher", "collective"?, "reasons":
 * [{"code", "requirement", "severity", "message"}]}]}}. The records are streamed one by one ({@link Records}) and the
 * summary, known at the end, goes first ({@link #head}): a caller writes the records to a temporary file and puts the
 * head before them, so that the head of a large report says what it holds.
 */
public final class JsonReport {
    /** What ends a report after its records. */
    public static final String TAIL = "}\n";

    private JsonReport() {}

    /** The report up to its records. */
    public static String head(DatasetVerifier.Summary s, String usage) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("records", s.records());
        summary.put("verified", s.verified());
        summary.put("usage", usage);
        summary.put("by_status", s.byStatus());
        summary.put("by_publisher", s.byPublisher());
        summary.put("by_collective", s.byCollective());
        summary.put("not_in_dataset", s.notInDataset());
        if (s.warcIndexed()) {
            summary.put("unnamed_warc_records", s.unnamedWarcRecords());
            List<Map<String, Object>> listed = new ArrayList<>();
            for (WarcIndex.Unnamed x : s.unnamedWarcListed()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("record_id", x.recordId());
                m.put("target_uri", x.targetUri());
                m.put("file", x.at().file().getFileName().toString());
                m.put("offset", x.at().offset());
                listed.add(m);
            }
            summary.put("unnamed_warc", listed);
        }
        return "{\"summary\": " + Json.write(summary) + ",\n\"records\": ";
    }

    private static final SerializedString ID = new SerializedString("id");
    private static final SerializedString URL = new SerializedString("url");
    private static final SerializedString STATUS = new SerializedString("status");
    private static final SerializedString PUBLISHER = new SerializedString("publisher");
    private static final SerializedString COLLECTIVE = new SerializedString("collective");
    private static final SerializedString REASONS = new SerializedString("reasons");
    private static final SerializedString CODE = new SerializedString("code");
    private static final SerializedString REQUIREMENT = new SerializedString("requirement");
    private static final SerializedString SEVERITY = new SerializedString("severity");
    private static final SerializedString MESSAGE = new SerializedString("message");

    /**
     * Writes records as elements of the report's array. The values that repeat from record to record (codes,
     * statuses, publishers, the notes' messages) are kept encoded, so that each is copied into the report rather than
     * escaped and encoded again (writing the records was nearly half of the reading thread's samples in a
     * 300,000-record run). Bounded: past {@value #MAX_REPEATED} distinct values the rest are written as they come.
     * Not thread-safe: one writer per report.
     */
    public static final class Records {
        static final int MAX_REPEATED = 10_000;
        private final Map<String, SerializedString> encoded = new HashMap<>();
        private final JsonGenerator g;

        public Records(JsonGenerator g) {
            this.g = g;
        }

        private void repeated(String value) throws IOException {
            SerializedString e = encoded.get(value);
            if (e == null && encoded.size() < MAX_REPEATED) {
                e = new SerializedString(value);
                encoded.put(value, e);
            }
            if (e != null) {
                g.writeString(e);
            } else {
                g.writeString(value);
            }
        }

        public void write(RecordResult r) throws IOException {
            g.writeStartObject();
            g.writeFieldName(ID);
            g.writeNumber(r.id());
            g.writeFieldName(URL);
            g.writeString(r.url());
            g.writeFieldName(STATUS);
            repeated(r.status().name());
            g.writeFieldName(PUBLISHER);
            repeated(r.publisher());
            if (r.collective().isPresent()) {
                g.writeFieldName(COLLECTIVE);
                repeated(r.collective().get());
            }
            g.writeFieldName(REASONS);
            g.writeStartArray();
            for (Finding f : r.findings()) {
                g.writeStartObject();
                g.writeFieldName(CODE);
                repeated(f.code());
                g.writeFieldName(REQUIREMENT);
                repeated(f.requirement());
                g.writeFieldName(SEVERITY);
                repeated(f.status().map(Status::name).orElse("note"));
                g.writeFieldName(MESSAGE);
                repeated(f.message());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }
}
