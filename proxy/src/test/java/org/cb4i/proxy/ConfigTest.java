package org.cb4i.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.cb4i.sdk.config.ConfigException;
import org.cb4i.proxy.config.ConfigLoader;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    @TempDir
    Path dir;

    static final String ISSUE_EXAMPLE = """
            listen: 127.0.0.1:8080
            origin: http://127.0.0.1:9000
            publisher: https://news.example
            issuers:
              - id: https://collective.example
                jwks: file:issuer.jwks.json
            paths:
              - match: /free/*
                access: open
              - match: /*
                access: licensed
                usages: [ai-train]
            log:
              dir: ./proxy-log
            """;

    @Test
    void theIssuesExample_isAcceptedUnchanged_withPathsResolvedAgainstItsFolder() throws Exception {
        KeyFiles.writeKeyPair(dir.resolve("k"), KeyFiles.generate(KeyAlgorithm.ED25519), false);
        Files.copy(dir.resolve("k/public.jwks"), dir.resolve("issuer.jwks.json"));
        Path f = dir.resolve("proxy.yaml");
        Files.writeString(f, ISSUE_EXAMPLE);
        ProxyConfig c = ConfigLoader.load(f);
        assertThat(c.listen().port()).isEqualTo(8080);
        assertThat(c.log().dir()).isEqualTo(dir.resolve("proxy-log"));
        assertThat(c.paths()).hasSize(2);
        assertThat(c.paths().get(1).access()).isEqualTo(ProxyConfig.Access.LICENSED);
        assertThat(c.log().checkpointInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void errors_nameTheFileLineAndField_allAtOnce() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, """
                listen: 127.0.0.1
                origin: ftp://x
                publisher: https://news.example
                issuers:
                  - id: https://c.example
                    jwks: file:missing.json
                paths:
                  - match: /*
                    access: public
                  - match: articles
                    access: licensed
                    usages: [ai-training]
                log:
                  dir: ./l
                lisen: 1
                """);
        assertThatThrownBy(() -> ConfigLoader.load(f)).isInstanceOf(ConfigException.class).satisfies(e -> {
            String m = e.getMessage();
            assertThat(m).contains(f + ":1: listen: expected host:port");
            assertThat(m).contains(f + ":2: origin: expected an absolute");
            assertThat(m).contains(f + ":6: issuers[0].jwks: no readable key set");
            assertThat(m).contains(f + ":9: paths[0].access: expected open, licensed or deny; found \"public\"");
            assertThat(m).contains(f + ":10: paths[1].match: a path pattern must start with");
            assertThat(m).contains(f + ":12: paths[1].usages[0]: unknown usage \"ai-training\"");
            assertThat(m).contains(f + ":15: lisen: unknown key \"lisen\" (did you mean \"listen\"?)");
        });
    }

    @Test
    void logSegments_takeSizesWithUnits_andAnArchiveOutsideTheLogFolder() throws Exception { // [LOG-5]
        KeyFiles.writeKeyPair(dir.resolve("k"), KeyFiles.generate(KeyAlgorithm.ED25519), false);
        Files.copy(dir.resolve("k/public.jwks"), dir.resolve("issuer.jwks.json"));
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, ISSUE_EXAMPLE.replace("  dir: ./proxy-log\n", "  dir: ./proxy-log\n  segments:\n    max_bytes: 64MiB\n    max_age: 6h\n"
                + "    archive_dir: /mnt/cold/cb4i\n    retention: 90d\n"));
        ProxyConfig.Segments s = ConfigLoader.load(f).log().segments();
        assertThat(s.maxBytes()).isEqualTo(64L << 20);
        assertThat(s.maxAge()).isEqualTo(Duration.ofHours(6));
        assertThat(s.archiveDir()).contains(Path.of("/mnt/cold/cb4i"));
        assertThat(s.retention()).contains(Duration.ofDays(90));
        assertThat(ConfigLoader.load(dir.resolve("k/../s.yaml")).log().segments().releases()).isTrue();
        Files.writeString(f, ISSUE_EXAMPLE);
        assertThat(ConfigLoader.load(f).log().segments()).isEqualTo(ProxyConfig.Segments.DEFAULT);
        assertThat(ProxyConfig.Segments.DEFAULT.releases()).as("nothing leaves the hot disk unless configured").isFalse();
        Files.writeString(f, ISSUE_EXAMPLE.replace("  dir: ./proxy-log\n", "  dir: ./proxy-log\n  segments:\n    max_bytes: 12 parsecs\n"
                + "    archive_dir: ./proxy-log/old\n    retension: 9d\n"));
        assertThatThrownBy(() -> ConfigLoader.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("log.segments.max_bytes: expected a size of at least 4096 bytes, such as 64MiB or 1GiB; found \"12 parsecs\"")
                .hasMessageContaining("log.segments.archive_dir: must be outside log.dir")
                .hasMessageContaining("retension");
    }

    @Test
    void http2AndTransport_haveDefaults_andBadValuesAreNamed() throws Exception { // [ENF-5]
        KeyFiles.writeKeyPair(dir.resolve("k"), KeyFiles.generate(KeyAlgorithm.ED25519), false);
        Files.copy(dir.resolve("k/public.jwks"), dir.resolve("issuer.jwks.json"));
        Path f = dir.resolve("h.yaml");
        Files.writeString(f, ISSUE_EXAMPLE);
        ProxyConfig c = ConfigLoader.load(f);
        assertThat(c.http2()).isEqualTo(ProxyConfig.Http2.DEFAULT);
        assertThat(c.http2().cleartext()).as("h2c only when asked for").isFalse();
        assertThat(c.transport()).isEqualTo(ProxyConfig.Transport.AUTO);
        Files.writeString(f, ISSUE_EXAMPLE + "transport: io_uring\nhttp2:\n  cleartext: true\n  max_concurrent_streams: 50\n  reset_window: 10s\n");
        c = ConfigLoader.load(f);
        assertThat(c.transport()).isEqualTo(ProxyConfig.Transport.IO_URING);
        assertThat(c.http2().maxConcurrentStreams()).isEqualTo(50);
        assertThat(c.http2().resetWindow()).isEqualTo(Duration.ofSeconds(10));
        Files.writeString(f, ISSUE_EXAMPLE + "transport: uring\nhttp2:\n  max_concurrent_streams: 0\n  clear_text: true\n");
        assertThatThrownBy(() -> ConfigLoader.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("transport: expected auto, epoll, io_uring or nio; found \"uring\"")
                .hasMessageContaining("http2.max_concurrent_streams").hasMessageContaining("clear_text");
    }

    @Test
    void notYaml_andMissingFile_areClear() throws Exception {
        Path f = dir.resolve("x.yaml");
        Files.writeString(f, "listen: [unclosed\n");
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessageContaining(f + ":").hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("none.yaml"))).hasMessageContaining("no such file");
    }

    @Test
    void aSharedQuotaStore_mustNameItsPolicyForWhenItIsUnreachable() throws Exception {
        KeyFiles.writeKeyPair(dir.resolve("k"), KeyFiles.generate(KeyAlgorithm.ED25519), false);
        Files.copy(dir.resolve("k/public.jwks"), dir.resolve("issuer.jwks.json"));
        Path f = dir.resolve("q.yaml");
        Files.writeString(f, ISSUE_EXAMPLE + "quota:\n  store: redis://127.0.0.1:6379\n");
        assertThatThrownBy(() -> ConfigLoader.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(f + ":").hasMessageContaining("quota.on_store_unavailable").hasMessageContaining("local_limits")
                .hasMessageContaining("there is no default");
        Files.writeString(f, ISSUE_EXAMPLE + "quota:\n  store: memcached://x\n  on_store_unavailable: sometimes\n");
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessageContaining("expected local or a Redis URL")
                .hasMessageContaining("expected local_limits or deny; found \"sometimes\"");
        Files.writeString(f, ISSUE_EXAMPLE + "quota:\n  store: redis://:secret@10.0.0.5:6380/2\n  on_store_unavailable: deny\n  timeout: 100ms\n");
        ProxyConfig.QuotaSettings q = ConfigLoader.load(f).quota();
        assertThat(q.redis()).hasValue(java.net.URI.create("redis://:secret@10.0.0.5:6380/2"));
        assertThat(q.onUnavailable()).hasValue(ProxyConfig.OnStoreUnavailable.DENY);
        assertThat(q.timeout()).isEqualTo(java.time.Duration.ofMillis(100));
        Files.writeString(f, ISSUE_EXAMPLE);
        assertThat(ConfigLoader.load(f).quota()).as("the default: this process's memory").isEqualTo(ProxyConfig.QuotaSettings.LOCAL);
    }
}
