package org.cb4i.issuer.sample;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.issuer.collective.AdminOps;
import org.cb4i.issuer.collective.Collective;
import org.cb4i.issuer.config.IssuerConfig;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.SigningKey;

/**
 * What {@code cb4i issuer} runs with no configuration: the demo collective {@value #COLLECTIVE} (the one
 * {@code cb4i proxy}'s embedded default trusts, with the same key under {@code <state>/collective}), on
 * 127.0.0.1:8090, its store under {@code <state>/issuer}, and on first run a sample collective: the proxy's sample
 * site as member (content key in {@code <state>/publisher}), the licensee {@value #LICENSEE} (crawler key in
 * {@code <state>/crawler}) and a one-year agreement for {@code ai-train}. Status lists have a 10 s ttl, so a
 * strike shows at once in a demo.
 */
public final class EmbeddedDefault {
    public static final String COLLECTIVE = "https://demo-collective.example";
    public static final String LICENSEE = "demo-crawler";
    public static final String AGREEMENT = "demo-agreement";
    public static final String MEMBER = "http://127.0.0.1:8080";

    private EmbeddedDefault() {}

    public static IssuerConfig config(Path state, int port) throws IOException {
        KeyFiles.readOrGenerate(state.resolve("collective"));
        Path abs = state.toAbsolutePath();
        Path store = abs.resolve("issuer");
        return new IssuerConfig(Optional.empty(), "127.0.0.1", port, COLLECTIVE, COLLECTIVE, URI.create("http://127.0.0.1:" + port),
                abs.resolve("collective").resolve(KeyFiles.PRIVATE_JWK), store, store.resolve("admin.token"), Duration.ofHours(1),
                Duration.ofSeconds(10), Duration.ofHours(1), IssuerConfig.DEFAULT_STATUS_CAPACITY, IssuerConfig.DEFAULT_REPERTOIRE_VALIDITY,
                IssuerConfig.DEFAULT_MAX_BODY_BYTES)
                // The embedded proxy is on loopback over plain http: the demo collective collects from it every minute.
                .withCollection(new IssuerConfig.Collection(Duration.ofMinutes(1), true, true));
    }

    /** Adds the sample member, licensee and agreement when the store has no member yet. */
    public static boolean seed(Collective collective, Path state) throws IOException {
        if (!collective.store().members().isEmpty() || !collective.store().licensees().isEmpty()) {
            return false;
        }
        SigningKey publisher = KeyFiles.readOrGenerate(state.resolve("publisher"));
        SigningKey crawler = KeyFiles.readOrGenerate(state.resolve("crawler"));
        AdminOps ops = new AdminOps(collective);
        Instant now = collective.now();
        ops.apply(Json.mapper().valueToTree(Map.of("op", "member.add", "origin", MEMBER, "content_keys",
                Map.of("keys", List.of(publisher.publicKey().toJsonObject())))));
        ops.apply(Json.mapper().valueToTree(Map.of("op", "licensee.add", "id", LICENSEE, "jwk", crawler.publicKey().toJsonObject(),
                "contact", "demo@crawler.example")));
        ops.apply(Json.mapper().valueToTree(Map.of("op", "agreement.add", "id", AGREEMENT, "licensee", LICENSEE, "grant",
                Map.of("usages", List.of("ai-train"), "price", Map.of("currency", "EUR", "per_request", "0.002", "fee", "10")),
                "not_after", now.plus(Duration.ofDays(365)).getEpochSecond())));
        return true;
    }
}
