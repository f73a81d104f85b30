package org.cb4i.proxy.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A proxy configuration file for tests, in the YAML an operator writes: one place for the settings every test proxy
 * needs (loopback, an origin, no access log, loopback fetches allowed, a log that checkpoints every second), so that
 * the proxy's own tests, the CLI's and the fleet's start their proxies the same way. Parts a test does not set are
 * left to the proxy's defaults.
 */
public final class ProxyYaml {
    /** The sample site policy of the proxy's tests: {@code /free} open, {@code /private} denied, the rest licensed. */
    public static final String SAMPLE_PATHS = """
            paths:
              - match: /free/*
                access: open
              - match: /private/*
                access: deny
              - match: /premium/*
                access: licensed
                usages: [ai-train]
                signature: per-request
              - match: /*
                access: licensed
                usages: [ai-train]
            """;

    /** What lets a test proxy fetch status lists and keys from loopback over plain HTTP. */
    public static final String LOOPBACK_FETCHING = "allow_plain_http: true\nallow_private_addresses: true\n";

    private final int originPort;
    private String listen = "127.0.0.1:0";
    private String publisher;
    private final List<String> issuers = new ArrayList<>();
    private String paths = SAMPLE_PATHS;
    private String log = "log:\n  dir: ./proxy-log\n  checkpoint_interval: 1s\n  checkpoint_entries: 2\n";
    private final StringBuilder extra = new StringBuilder();

    private ProxyYaml(int originPort) {
        this.originPort = originPort;
        this.publisher = "http://127.0.0.1:" + originPort;
    }

    /** A proxy on loopback in front of the origin on {@code originPort}. */
    public static ProxyYaml inFrontOf(int originPort) {
        return new ProxyYaml(originPort);
    }

    /** The port it listens on (0, a free one, unless set). */
    public ProxyYaml port(int port) {
        listen = "127.0.0.1:" + port;
        return this;
    }

    public ProxyYaml publisher(String origin) {
        publisher = origin;
        return this;
    }

    /**
     * A collective it trusts.
     *
     * @param more further members of the issuer's entry, each {@code name: value} (e.g. {@code collector_key: file:c.json})
     */
    public ProxyYaml issuer(String id, String jwks, String... more) {
        StringBuilder b = new StringBuilder("  - id: ").append(id).append("\n    jwks: ").append(jwks).append('\n');
        for (String m : more) {
            b.append("    ").append(m).append('\n');
        }
        issuers.add(b.toString());
        return this;
    }

    /** The site policy, as a whole {@code paths:} block. */
    public ProxyYaml paths(String block) {
        paths = block.endsWith("\n") ? block : block + "\n";
        return this;
    }

    /**
     * Where the receipts log lives and how often it signs.
     *
     * @param more further members of the {@code log:} block, each {@code name: value}
     */
    public ProxyYaml log(String dir, String... more) {
        StringBuilder b = new StringBuilder("log:\n  dir: ").append(dir).append('\n');
        for (String m : more) {
            b.append("  ").append(m).append('\n');
        }
        log = b.toString();
        return this;
    }

    /** Further top-level YAML, as written. */
    public ProxyYaml with(String yaml) {
        extra.append(yaml.endsWith("\n") || yaml.isEmpty() ? yaml : yaml + "\n");
        return this;
    }

    public String text() {
        StringBuilder b = new StringBuilder()
                .append("listen: ").append(listen).append('\n')
                .append("origin: http://127.0.0.1:").append(originPort).append('\n')
                .append("publisher: ").append(publisher).append('\n');
        if (!issuers.isEmpty()) {
            b.append("issuers:\n");
            issuers.forEach(b::append);
        }
        return b.append(paths).append(log)
                .append("access_log: off\n")
                .append(LOOPBACK_FETCHING)
                .append(extra).toString();
    }

    /** Writes the file and returns its path. */
    public Path write(Path file) throws IOException {
        Files.writeString(file, text());
        return file;
    }
}
