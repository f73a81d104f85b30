package org.cb4i.sdk.token;

import java.net.URI;
import java.util.Objects;

/**
 * The {@code status.status_list} claim of a license (IETF Token Status List; [STS-1]): which list, and which
 * index in it, says whether the license is valid, revoked or suspended.
 */
public record StatusReference(long idx, URI uri) {
    public StatusReference {
        Objects.requireNonNull(uri, "uri");
        if (idx < 0 || idx > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("status_list.idx must be an integer from 0 to " + Integer.MAX_VALUE);
        }
        if (!uri.isAbsolute() || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
            throw new IllegalArgumentException("status_list.uri must be an absolute http(s) URI");
        }
    }
}
