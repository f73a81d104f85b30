package org.cb4i.conformance.blackbox;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.stream.Stream;
import org.cb4i.proxy.Proxy;
import org.cb4i.proxy.config.ConfigLoader;

/** cb4i's own proxy, configured with the {@link Profile} and started in this process on a dynamic port: the default target. */
public final class InProcessProxy implements AutoCloseable {
    private final Path dir;
    private final Proxy proxy;

    public InProcessProxy(Testbed bed) throws Exception {
        dir = Files.createTempDirectory("cb4i-conformance-");
        Files.writeString(dir.resolve("collective.jwks.json"), Testbed.jwks());
        Path config = dir.resolve("proxy.yaml");
        Files.writeString(dir.resolve("member.private.jwk"), Testbed.memberKeyJson());
        Files.writeString(config, Profile.cb4iConfig("127.0.0.1:0", "127.0.0.1:" + bed.originPort(), bed.collectiveBase().getAuthority(),
                "collective.jwks.json", "member.private.jwk", "./log"));
        proxy = Proxy.start(ConfigLoader.load(config), Clock.systemUTC(), e -> {});
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + proxy.port());
    }

    @Override
    public void close() throws IOException {
        proxy.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
