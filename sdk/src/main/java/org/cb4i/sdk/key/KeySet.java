package org.cb4i.sdk.key;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable set of verification keys, looked up by {@code kid}. A key is found under its RFC 7638
 * thumbprint and, when its JWK declared another {@code kid}, under that too (so keys from other systems still
 * work); cb4i's own keys always have {@code kid} = thumbprint. Holding several keys is how rotation works:
 * publish the new key beside the old, then drop the old.
 */
public final class KeySet {
    private final List<VerificationKey> keys;
    private final Map<String, VerificationKey> byKid;

    public KeySet(List<VerificationKey> keys) {
        this.keys = List.copyOf(keys);
        Map<String, VerificationKey> m = new LinkedHashMap<>();
        for (VerificationKey k : this.keys) {
            m.putIfAbsent(k.thumbprint(), k);
            String declared = k.jwk().getKeyID();
            if (declared != null) {
                m.putIfAbsent(declared, k);
            }
        }
        this.byKid = Collections.unmodifiableMap(m);
    }

    public static KeySet of(VerificationKey... keys) {
        return new KeySet(List.of(keys));
    }

    /** The key with this {@code kid} or thumbprint, or empty. */
    public Optional<VerificationKey> find(String kid) {
        return kid == null ? Optional.empty() : Optional.ofNullable(byKid.get(kid));
    }

    public List<VerificationKey> keys() {
        return keys;
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /** The JWKS JSON members: {@code {"keys": [...]}}, every key with {@code kid} = thumbprint. */
    public Map<String, Object> toJsonObject() {
        List<Object> list = new ArrayList<>();
        for (VerificationKey k : keys) {
            list.add(k.toJsonObject());
        }
        return Map.of("keys", list);
    }
}
