package org.cb4i.sdk.token;

import java.util.Objects;
import org.cb4i.sdk.key.VerificationKey;

/**
 * The {@code cnf} claim ([TOK-7]): the crawler key the license is bound to, as both its RFC 7638 thumbprint
 * ({@code jkt}, RFC 9449) and the public key itself ({@code jwk}, RFC 7800), so that a proxy verifies the
 * crawler's request signature without fetching anything. The two always agree.
 */
public record Confirmation(VerificationKey key) {
    public Confirmation {
        Objects.requireNonNull(key, "key");
    }

    /** The thumbprint, which is also the crawler's Web Bot Auth {@code keyid}. */
    public String jkt() {
        return key.thumbprint();
    }
}
