package org.cb4i.conformance.blackbox;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.cb4i.sdk.key.SigningKey;

/**
 * Web Bot Auth signatures written from RFC 9421 §2.5 by hand, so that a check can also write the wrong ones: a
 * missing tag, a component listed twice, a parameter out of range. Components are given as they appear in the
 * inner list ({@code @authority}, {@code @method}, {@code @target-uri}, {@code user-agent}, ...).
 */
public final class Signatures {
    private Signatures() {}

    /** The usual parameters: {@code created}, {@code keyid}, {@code alg}, {@code expires}, {@code tag}. */
    public static String params(String keyid, long created, long expires) {
        return ";created=" + created + ";keyid=\"" + keyid + "\";alg=\"ed25519\";expires=" + expires + ";tag=\"web-bot-auth\"";
    }

    /** The serialised inner list: {@code ("@authority" "@method");created=...}. */
    public static String innerList(List<String> components, String params) {
        return components.stream().map(c -> "\"" + c + "\"").collect(Collectors.joining(" ", "(", ")")) + params;
    }

    /** The signature base of a request sent through {@code bed}. */
    public static String base(Testbed bed, HttpExchange.Request r, List<String> components, String params) {
        StringBuilder b = new StringBuilder();
        for (String c : components) {
            b.append('"').append(c).append("\": ").append(value(bed, r, c)).append('\n');
        }
        return b.append("\"@signature-params\": ").append(innerList(components, params)).toString();
    }

    private static String value(Testbed bed, HttpExchange.Request r, String c) {
        String authority = r.field("Host").orElse(bed.authority()).toLowerCase(Locale.ROOT);
        return switch (c) {
            case "@authority" -> authority;
            case "@method" -> r.method();
            case "@target-uri" -> "http://" + authority + r.target();
            case "@path" -> r.target().contains("?") ? r.target().substring(0, r.target().indexOf('?')) : r.target();
            default -> r.field(c).orElse("");
        };
    }

    /** Adds {@code Signature-Input} and {@code Signature} ({@code sig1}) over the base of {@code components}. */
    public static HttpExchange.Request sign(Testbed bed, HttpExchange.Request r, SigningKey key, List<String> components, String params) {
        String base = base(bed, r, components, params);
        byte[] sig = key.sign(base.getBytes(StandardCharsets.UTF_8));
        return r.header("Signature-Input", "sig1=" + innerList(components, params))
                .header("Signature", "sig1=:" + Base64.getEncoder().encodeToString(sig) + ":");
    }
}
