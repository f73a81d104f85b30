package org.cb4i.issuer.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An issuer configuration file for tests, in the YAML an operator writes: loopback, the collective's key under
 * {@code collective/} and its store under {@code issuer-store} beside the file, unless a test says otherwise. The
 * CLI's tests and the fleet's start their issuers from it, so that a new required setting is added in one place.
 */
public final class IssuerYaml {
    private String id = "https://collective.example";
    private String publicUrl;
    private String listen;
    private String store = "issuer-store";
    private final StringBuilder extra = new StringBuilder();

    private IssuerYaml(int port) {
        publicUrl = "http://127.0.0.1:" + port;
        listen = "127.0.0.1:" + port;
    }

    /** An issuer listening on loopback at {@code port} (0: a free one), published at that address. */
    public static IssuerYaml onPort(int port) {
        return new IssuerYaml(port);
    }

    /** The collective's id (default {@code https://collective.example}). */
    public IssuerYaml id(String collective) {
        id = collective;
        return this;
    }

    public IssuerYaml publicUrl(String url) {
        publicUrl = url;
        return this;
    }

    /** Where its state lives: a folder for the embedded store, or a database URL. */
    public IssuerYaml store(String where) {
        store = where;
        return this;
    }

    /** Further top-level YAML, one line each (e.g. {@code token_lifetime: 1h}). */
    public IssuerYaml with(String... lines) {
        for (String l : lines) {
            extra.append(l).append('\n');
        }
        return this;
    }

    public String text() {
        return "id: " + id + "\npublic_url: " + publicUrl + "\nlisten: " + listen + "\nkey: collective/private.jwk\nstore: " + store + "\n" + extra;
    }

    /** Writes the file and returns its path. */
    public Path write(Path file) throws IOException {
        Files.writeString(file, text());
        return file;
    }
}
