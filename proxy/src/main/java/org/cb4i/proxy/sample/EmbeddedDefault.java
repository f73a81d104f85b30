package org.cb4i.proxy.sample;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.cb4i.proxy.config.HostPort;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.terms.PathPattern;
import org.cb4i.sdk.terms.Usage;

/**
 * The configuration {@code cb4i proxy} runs with no arguments: the sample site as origin, a demo collective
 * whose key is generated on first run under the state folder (never a key shipped in the jar), {@code /free/*}
 * open, everything else licensed for {@code ai-train}, state under the state folder. Status lists may be fetched
 * from loopback addresses, so that licenses from {@code cb4i issuer}'s embedded default (on 127.0.0.1:8090) work, and
 * the proxy listens to that issuer's status change stream ([STS-8]), so that a strike there reaches it at once.
 */
public final class EmbeddedDefault {
    public static final String COLLECTIVE = "https://demo-collective.example";
    /** Where the embedded issuer announces status list changes. */
    public static final URI STATUS_CHANGES = URI.create("http://127.0.0.1:8090/status/changes");
    /** The embedded issuer's token endpoint (`./cb4i issuer`): named in 402 offers and as the RSL license server. */
    public static final URI TOKEN_ENDPOINT = URI.create("http://127.0.0.1:8090/token");

    private EmbeddedDefault() {}

    /** The demo collective's key, generated into {@code state/collective} on first use. */
    public static SigningKey collectiveKey(Path state) throws IOException {
        return KeyFiles.readOrGenerate(state.resolve("collective"));
    }

    public static ProxyConfig config(Path state, int port, int originPort) throws IOException {
        return config(state, port, originPort, Optional.empty());
    }

    /**
     * The same, naming the demo collective's collector key ([SET-8]) so that its collector may read the log; the log's
     * checkpoint is then signed again every second when idle, so that a collection right after an idle spell is current.
     */
    public static ProxyConfig config(Path state, int port, int originPort, Optional<URI> collectorKey) throws IOException {
        collectiveKey(state);
        Path abs = state.toAbsolutePath();
        return new ProxyConfig(Optional.empty(), new HostPort("127.0.0.1", port), URI.create("http://127.0.0.1:" + originPort),
                URI.create("http://127.0.0.1:" + port),
                List.of(new ProxyConfig.Issuer(COLLECTIVE, abs.resolve("collective").resolve(KeyFiles.PUBLIC_JWKS).toUri(), Optional.of(TOKEN_ENDPOINT), collectorKey,
                        Optional.of(STATUS_CHANGES))),
                List.of(),
                List.of(new ProxyConfig.PathRule(PathPattern.of("/free/*"), ProxyConfig.Access.OPEN, EnumSet.noneOf(Usage.class), SignaturePolicy.REUSABLE),
                        new ProxyConfig.PathRule(PathPattern.of("/*"), ProxyConfig.Access.LICENSED, EnumSet.of(Usage.AI_TRAIN), SignaturePolicy.REUSABLE)),
                new ProxyConfig.LogSettings(abs.resolve("proxy-log"), abs.resolve("proxy-log").resolve("log-key.jwk"), Duration.ofSeconds(1), 1000,
                        collectorKey.isPresent() ? Duration.ofSeconds(1) : ProxyConfig.LogSettings.DEFAULT_REFRESH),
                Optional.of(new HostPort("127.0.0.1", 0)), Optional.empty(), List.of(), ProxyConfig.Limits.DEFAULT,
                ProxyConfig.OriginTimeouts.DEFAULT, Optional.of("train-ai=n, search=y"), false, Optional.empty(), new ProxyConfig.Fetching(true, true),
                new ProxyConfig.AccessLog(abs.resolve("access.log").toString()), List.of(), ProxyConfig.QuotaSettings.LOCAL, Optional.empty(), ProxyConfig.Http2.DEFAULT, ProxyConfig.Transport.AUTO);
    }
}
