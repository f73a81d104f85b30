package org.cb4i.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.cb4i.proxy.admin.DiskSpace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receipts log's disk: its free space and the log's size in /metrics, and a warning in /readyz before it fills. */
class DiskSpaceTest {
    @TempDir
    Path dir;

    @Test
    void readyzWarnsBelowAGibibyteOrFivePercent_whicheverIsLarger() {
        long gib = 1L << 30;
        assertThat(DiskSpace.warning(10 * gib, 100 * gib, dir)).as("10% free").isEmpty();
        assertThat(DiskSpace.warning(4 * gib, 100 * gib, dir)).as("4% of a large disk").hasValueSatisfying(w ->
                assertThat(w).contains("4096 MiB free of 102400 MiB").contains("503 LOG_UNAVAILABLE").contains(dir.toString()));
        assertThat(DiskSpace.warning(gib / 2, 4 * gib, dir)).as("half a GiB of a small disk").isPresent();
        assertThat(DiskSpace.warning(gib, 4 * gib, dir)).as("a GiB of a small disk").isEmpty();
    }

    @Test
    void metricsCarryTheLogsSizeAndTheFreeSpace() throws Exception {
        try (ProxyHarness h = new ProxyHarness(dir)) {
            h.start("");
            assertThat(h.licensedGet("/articles/a.html", h.license()).statusCode()).isEqualTo(200);
            String metrics = h.admin(h.proxy, "/metrics");
            assertThat(metrics).containsPattern("cb4i_proxy_log_bytes [1-9][0-9.E]*").containsPattern("cb4i_proxy_log_disk_free_bytes [1-9][0-9.E]*");
            assertThat(h.admin(h.proxy, "/readyz")).startsWith("200 ready");
        }
    }
}
