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
    void notYaml_andMissingFile_areClear() throws Exception {
        Path f = dir.resolve("x.yaml");
        Files.writeString(f, "listen: [unclosed\n");
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessageContaining(f + ":").hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("none.yaml"))).hasMessageContaining("no such file");
    }
}
