package org.cb4i.issuer.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.cb4i.issuer.store.ConsoleStore;

/**
 * Console sessions: a random id in an HttpOnly, SameSite=Strict cookie scoped to {@code /console} (Secure over TLS),
 * kept in the store as its SHA-256 with the account and a CSRF token every form must carry; 12 hours at most.
 * Thread-safe.
 */
final class Sessions {
    static final String COOKIE = "cb4i_console";
    static final Duration LIFETIME = Duration.ofHours(12);

    private final ConsoleStore store;
    private final Clock clock;

    Sessions(ConsoleStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A session just started: its id (for the cookie only) and its CSRF token. */
    record Started(String id, String csrf) {}

    Started start(String account) {
        String id = ConsoleStore.secret();
        String csrf = ConsoleStore.secret();
        store.startSession(ConsoleStore.digest(id), account, csrf, clock.instant(), clock.instant().plus(LIFETIME));
        return new Started(id, csrf);
    }

    Optional<ConsoleStore.Session> find(Optional<String> cookie) {
        return cookie.filter(c -> c.length() >= 20 && c.length() <= 100).flatMap(c -> store.session(ConsoleStore.digest(c), clock.instant()));
    }

    void end(String cookie) {
        store.endSession(ConsoleStore.digest(cookie));
    }

    /** Compares two secrets in constant time. */
    static boolean same(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
