package org.cb4i.issuer.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where an issuer keeps its state ({@code store:} in its configuration): a folder holding the embedded H2 database
 * (one process at a time), or a PostgreSQL database that several issuer instances share.
 */
public sealed interface StoreLocation permits StoreLocation.Folder, StoreLocation.Postgres {

    /** The embedded store in a folder. */
    record Folder(Path dir) implements StoreLocation {
        @Override
        public String toString() {
            return dir.toString();
        }
    }

    /**
     * A PostgreSQL database (15 or later: the migrations use MERGE).
     *
     * @param jdbcUrl the driver's URL, without credentials
     * @param display the URL for messages: without the password
     */
    record Postgres(String jdbcUrl, String user, Optional<String> password, String display) implements StoreLocation {
        @Override
        public String toString() {
            return display;
        }
    }

    /**
     * Reads a {@code store:} value: {@code postgresql://[user[:password]@]host[:port]/database[?…]} (also
     * {@code postgres://}) is a PostgreSQL database, whose user and password default to {@code PGUSER} and
     * {@code PGPASSWORD} as libpq's do; anything else is a folder, relative to {@code base}.
     *
     * @throws IllegalArgumentException naming what is wrong with a database URL
     */
    static StoreLocation parse(String value, Path base) {
        if (!value.startsWith("postgresql://") && !value.startsWith("postgres://")) {
            return new Folder(base.resolve(value));
        }
        URI u;
        try {
            u = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a database URL: " + e.getMessage());
        }
        String db = u.getRawPath() == null ? "" : u.getRawPath().replaceFirst("^/", "");
        if (u.getHost() == null || db.isEmpty()) {
            throw new IllegalArgumentException("expected postgresql://user:password@host:5432/database; found no " + (u.getHost() == null ? "host" : "database"));
        }
        String user = System.getenv().getOrDefault("PGUSER", System.getProperty("user.name"));
        Optional<String> password = Optional.ofNullable(System.getenv("PGPASSWORD"));
        if (u.getRawUserInfo() != null) {
            String[] ui = u.getRawUserInfo().split(":", 2);
            user = URLDecoder.decode(ui[0], StandardCharsets.UTF_8);
            if (ui.length == 2) {
                password = Optional.of(URLDecoder.decode(ui[1], StandardCharsets.UTF_8));
            }
        }
        String hostPort = u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
        String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
        return new Postgres("jdbc:postgresql://" + hostPort + "/" + db + query, user, password, "postgresql://" + user + "@" + hostPort + "/" + db + query);
    }
}
