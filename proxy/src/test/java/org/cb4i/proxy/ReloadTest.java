package org.cb4i.proxy;

import org.cb4i.sdk.Eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.cb4i.proxy.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reload swaps the policy without dropping the listener; a broken file is refused and the running config stays. */
class ReloadTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void reload_appliesANewPolicy_andKeepsTheOldOneWhenTheNewFileIsBroken() throws Exception {
        try (ProxyHarness h = new ProxyHarness(dir).start("")) {
            assertThat(h.get("/free/x", "User-Agent", "GPTBot").statusCode()).isEqualTo(200);
            String stricter = h.config("").replace("  - match: /free/*\n    access: open\n", "  - match: /free/*\n    access: deny\n");
            Files.writeString(h.configFile, stricter);
            h.proxy.reload(ConfigLoader.load(h.configFile));
            assertThat(h.get("/free/x", "User-Agent", "GPTBot").statusCode()).isEqualTo(403);

            Files.writeString(h.configFile, "listen: nonsense\n");
            Eventually.until(() -> h.events.stream().anyMatch(e -> e.contains("NOT reloaded")));
            assertThat(h.events).anyMatch(e -> e.contains("NOT reloaded") && e.contains("listen"));
            assertThat(h.get("/free/x", "User-Agent", "GPTBot").statusCode()).as("the running config stays").isEqualTo(403);
        }
    }
}
