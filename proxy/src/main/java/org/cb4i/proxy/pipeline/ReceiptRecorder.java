package org.cb4i.proxy.pipeline;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.http.HttpClientResponse;
import java.util.Optional;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.log.LogEntry;
import org.cb4i.sdk.token.LicenseClaims;

/**
 * The last stage of a licensed response ([LOG-2]): when it has been relayed (or cut off), its entry goes to the
 * receipts log under the receipt id the response already carries, and its bytes count against the quota.
 */
final class ReceiptRecorder {
    private final ProxyShared shared;

    ReceiptRecorder(ProxyShared shared) {
        this.shared = shared;
    }

    void record(Exchange ctx, Decision.Licensed lic, HttpClientResponse cresp, MeteredStream metered, boolean complete) {
        LicenseClaims c = lic.license().claims();
        boolean perRequest = lic.rule().signature() == SignaturePolicy.PER_REQUEST;
        LogEntry entry = new LogEntry(lic.rid(), shared.clock().instant(), c.issuer(), c.subject(), c.id(), c.confirmation().jkt(),
                ctx.req.method().name(), ctx.st.publisherOrigin + ctx.req.uri(), cresp.statusCode(), metered.bytes(),
                Optional.ofNullable(cresp.headers().get(HttpHeaderNames.CONTENT_RANGE)), metered.sha256Hex(),
                lic.rule().usageTokens(),
                perRequest ? Optional.of(lic.signature().signatureInput()) : Optional.empty(),
                perRequest ? Optional.of(lic.signature().signature()) : Optional.empty(), complete);
        shared.quotas().addBytes(lic.quotaKey(), lic.quota(), metered.bytes());
        byte[] bytes = entry.toBytes();
        shared.log().append(lic.rid(), bytes).whenComplete((seq, err) -> {
            if (err != null) {
                // Never lose a usage record: if the log cannot take it, it goes to the operator's error stream.
                shared.events().accept("receipts log could not record an entry (" + err.getMessage() + "): "
                        + new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            }
        });
    }
}
