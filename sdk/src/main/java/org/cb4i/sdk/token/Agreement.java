package org.cb4i.sdk.token;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The negotiated agreement a license implements ([TOK-11]): where its text is and the SHA-256 of that text,
 * so that both parties can later show which terms they agreed to.
 *
 * @param uri where the agreement's text can be read
 * @param sha256 lowercase hex SHA-256 of the agreement's bytes
 */
public record Agreement(URI uri, String sha256) {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public Agreement {
        Objects.requireNonNull(uri, "uri");
        if (!uri.isAbsolute()) {
            throw new IllegalArgumentException("agreement.uri must be an absolute URI");
        }
        if (sha256 == null || !HEX64.matcher(sha256).matches()) {
            throw new IllegalArgumentException("agreement.sha256 must be 64 lowercase hex digits");
        }
    }
}
