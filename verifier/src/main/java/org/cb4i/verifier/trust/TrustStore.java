package org.cb4i.verifier.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.files.AtomicFiles;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.token.PathScope;

/**
 * Whom a verifier trusts (SPEC.md [TRS-1]): collectives (their license, status-list and repertoire keys),
 * publishers (content-signing keys of an origin), and receipts logs (checkpoint keys), each with keys inline and an
 * optional validity period. A JSON file:
 *
 * <pre>
 * {"collectives": [{"id": "https://collective.example", "keys": {"keys": [...]}, "from": 1767225600}],
 *  "publishers":  [{"origin": "https://news.example", "keys": {...}}],
 *  "logs":        [{"log_id": "…", "origin": "https://news.example", "keys": {...}}]}
 * </pre>
 */
public final class TrustStore {
    /** One trusted party: its name (collective id, publisher origin or log id), keys and validity. */
    public record Entry(String name, Optional<String> origin, KeySet keys, Optional<Instant> from, Optional<Instant> until) {
        /** Whether the entry was trusted at {@code t}. */
        public boolean validAt(Instant t) {
            return (from.isEmpty() || !from.get().isAfter(t)) && (until.isEmpty() || until.get().isAfter(t));
        }

        ObjectNode toJson(String nameKey) {
            ObjectNode o = Json.mapper().createObjectNode();
            o.put(nameKey, name);
            origin.ifPresent(x -> o.put("origin", x));
            o.set("keys", Json.mapper().valueToTree(keys.toJsonObject()));
            from.ifPresent(x -> o.put("from", x.getEpochSecond()));
            until.ifPresent(x -> o.put("until", x.getEpochSecond()));
            return o;
        }
    }

    private final List<Entry> collectives;
    private final List<Entry> publishers;
    private final List<Entry> logs;

    public TrustStore(List<Entry> collectives, List<Entry> publishers, List<Entry> logs) {
        this.collectives = List.copyOf(collectives);
        this.publishers = List.copyOf(publishers);
        this.logs = List.copyOf(logs);
    }

    public static TrustStore empty() {
        return new TrustStore(List.of(), List.of(), List.of());
    }

    public List<Entry> collectives() {
        return collectives;
    }

    public List<Entry> publishers() {
        return publishers;
    }

    public List<Entry> logs() {
        return logs;
    }

    /** The keys of collective {@code id} trusted at {@code t}, if any. */
    public Optional<KeySet> collective(String id, Instant t) {
        return find(collectives, id, t);
    }

    /** The content keys of publisher {@code origin} trusted at {@code t}, if any. */
    public Optional<KeySet> publisher(String origin, Instant t) {
        String o;
        try {
            o = PathScope.normaliseOrigin(origin);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return find(publishers, o, t);
    }

    /** The keys of receipts log {@code logId} trusted at {@code t}, if any. */
    public Optional<KeySet> log(String logId, Instant t) {
        return find(logs, logId, t);
    }

    private static Optional<KeySet> find(List<Entry> es, String name, Instant t) {
        Entry only = null;
        List<org.cb4i.sdk.key.VerificationKey> keys = null;
        for (Entry e : es) {
            if (!e.name().equals(name) || !e.validAt(t)) {
                continue;
            }
            if (only == null && keys == null) {
                only = e;
                continue;
            }
            if (keys == null) {
                keys = new ArrayList<>(only.keys().keys());
            }
            keys.addAll(e.keys().keys());
        }
        // One entry (the usual case): its own key set, the same instance on every call, so that what is cached by
        // key set (verified credentials) is found again for the next record.
        return keys != null ? Optional.of(new KeySet(keys)) : Optional.ofNullable(only).map(Entry::keys);
    }

    /**
     * Reads a trust store.
     *
     * @throws MalformedInputException naming the file, the entry and the member that is wrong
     */
    public static TrustStore read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        ObjectNode root = Json.readObject(text, file.toString(), Reason.MALFORMED_JSON);
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!List.of("collectives", "publishers", "logs").contains(k)) {
                throw new MalformedInputException(Reason.MALFORMED_JSON, file + ": unknown member \"" + k + "\"; a trust store has collectives, publishers, logs");
            }
        }
        return new TrustStore(entries(file, root, "collectives", "id"), entries(file, root, "publishers", "origin"), entries(file, root, "logs", "log_id"));
    }

    private static List<Entry> entries(Path file, ObjectNode root, String list, String nameKey) {
        List<Entry> out = new ArrayList<>();
        JsonNode arr = root.get(list);
        if (arr == null) {
            return out;
        }
        if (!arr.isArray()) {
            throw new MalformedInputException(Reason.MALFORMED_JSON, file + ": " + list + " must be an array");
        }
        for (int i = 0; i < arr.size(); i++) {
            String at = file + ": " + list + "[" + i + "]";
            JsonNode e = arr.get(i);
            if (!e.isObject() || !e.path(nameKey).isTextual() || !e.path("keys").isObject()) {
                throw new MalformedInputException(Reason.MALFORMED_JSON, at + " must be an object with \"" + nameKey + "\" and \"keys\" (a JWK or JWKS)");
            }
            List<String> members = nameKey.equals("log_id") ? List.of(nameKey, "keys", "from", "until", "origin") : List.of(nameKey, "keys", "from", "until");
            for (var it = e.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!members.contains(k)) {
                    throw new MalformedInputException(Reason.MALFORMED_JSON, at + ": unknown member \"" + k + "\"; an entry has "
                            + String.join(", ", members));
                }
            }
            KeySet keys;
            try {
                keys = KeyFiles.parseKeySet(Json.write(e.get("keys")), at + ".keys");
            } catch (Cb4iException ex) {
                throw new MalformedInputException(Reason.MALFORMED_KEY, ex.getMessage());
            }
            String name = e.get(nameKey).textValue();
            Optional<String> origin = Optional.ofNullable(e.path("origin").textValue());
            if (nameKey.equals("origin")) {
                try {
                    name = PathScope.normaliseOrigin(name);
                } catch (IllegalArgumentException ex) {
                    throw new MalformedInputException(Reason.MALFORMED_JSON, at + ".origin: " + ex.getMessage());
                }
                origin = Optional.empty();
            }
            out.add(new Entry(name, origin, keys, time(e, "from", at), time(e, "until", at)));
        }
        return out;
    }

    private static Optional<Instant> time(JsonNode e, String name, String at) {
        JsonNode n = e.get(name);
        if (n == null) {
            return Optional.empty();
        }
        if (!n.isIntegralNumber() || n.longValue() < 0) {
            throw new MalformedInputException(Reason.MALFORMED_JSON, at + "." + name + " must be seconds since the epoch");
        }
        return Optional.of(Instant.ofEpochSecond(n.longValue()));
    }

    /** The store as JSON, in the file format. */
    public ObjectNode toJson() {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode c = root.putArray("collectives");
        collectives.forEach(e -> c.add(e.toJson("id")));
        ArrayNode p = root.putArray("publishers");
        publishers.forEach(e -> p.add(e.toJson("origin")));
        ArrayNode l = root.putArray("logs");
        logs.forEach(e -> l.add(e.toJson("log_id")));
        return root;
    }

    /** Writes the store atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, (Json.writePretty(toJson()) + "\n").getBytes(StandardCharsets.UTF_8), false, true);
    }

    /** A copy with one more entry in {@code kind} (collectives, publishers or logs). */
    public TrustStore with(String kind, Entry e) {
        List<Entry> c = new ArrayList<>(collectives);
        List<Entry> p = new ArrayList<>(publishers);
        List<Entry> l = new ArrayList<>(logs);
        switch (kind) {
            case "collectives" -> c.add(e);
            case "publishers" -> p.add(e);
            case "logs" -> l.add(e);
            default -> throw new IllegalArgumentException("kind must be collective, publisher or log");
        }
        return new TrustStore(c, p, l);
    }
}
