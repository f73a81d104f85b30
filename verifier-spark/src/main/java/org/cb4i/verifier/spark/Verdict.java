package org.cb4i.verifier.spark;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.cb4i.sdk.dataset.ManifestRecord;
import org.cb4i.verifier.Finding;
import org.cb4i.verifier.RecordResult;
import org.cb4i.verifier.Status;

/**
 * A record's verdict as it travels from a worker to the driver (a {@link RecordResult} in plain serialisable fields), or
 * a line that is not a dataset record.
 *
 * @param line the manifest line it was judged from (1 is the header)
 * @param namedWarc whether the record named a WARC file (the driver then reads the WARC files' findings as a local run would)
 */
public record Verdict(long line, boolean record, boolean namedWarc, String warcFile, long warcOffset, String warcRecordId, long id, String url,
        String status, List<String[]> findings, String publisher, String collective, Long fetchedAt, String bytesSha256, String license)
        implements Serializable {

    static Verdict notARecord(long line) {
        return new Verdict(line, false, false, null, 0, null, 0, "", "", List.of(), "", null, null, "", null);
    }

    /** The WARC record the line named, when it named one. */
    Optional<ManifestRecord.Warc> warc() {
        return namedWarc ? Optional.of(new ManifestRecord.Warc(warcFile, warcOffset, 0, Optional.ofNullable(warcRecordId))) : Optional.empty();
    }

    static Verdict of(long line, Optional<ManifestRecord.Warc> warc, RecordResult r) {
        List<String[]> fs = new ArrayList<>();
        for (Finding f : r.findings()) {
            fs.add(new String[] {f.status().map(Enum::name).orElse(null), f.code(), f.requirement(), f.message()});
        }
        return new Verdict(line, true, warc.isPresent(), warc.map(ManifestRecord.Warc::file).orElse(null), warc.map(ManifestRecord.Warc::offset).orElse(0L),
                warc.flatMap(ManifestRecord.Warc::recordId).orElse(null), r.id(), r.url(), r.status().name(), fs, r.publisher(), r.collective().orElse(null),
                r.fetchedAt().map(Instant::getEpochSecond).orElse(null), r.bytesSha256(), r.license().orElse(null));
    }

    /** The result as the session and the reports take it; null for a line that is not a record. */
    RecordResult result() {
        if (!record) {
            return null;
        }
        List<Finding> fs = new ArrayList<>();
        for (String[] f : findings) {
            fs.add(new Finding(Optional.ofNullable(f[0]).map(Status::valueOf), f[1], f[2], f[3]));
        }
        return new RecordResult(id, url, Status.valueOf(status), fs, publisher, Optional.ofNullable(collective),
                Optional.ofNullable(fetchedAt).map(Instant::ofEpochSecond), bytesSha256, Optional.ofNullable(license));
    }
}
