package org.cb4i.proxy.pipeline;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The one canonical form of a request target ([ENF-6]): the policy is matched on it and exactly it is forwarded,
 * so the proxy and the origin can never disagree about which path was asked for.
 *
 * <p>Refused ({@code AMBIGUOUS_PATH}, 400): anything but origin-form; a fragment; control, space, backslash or
 * non-ASCII bytes; a malformed {@code %} escape; encoded {@code /} ({@code %2F}), {@code \} ({@code %5C}), NUL
 * ({@code %00}) or {@code %} ({@code %25}, double encoding); percent-encoded bytes that are not valid UTF-8
 * (overlong forms such as {@code %C0%AF} included); dot segments that climb above the root; and, unless allowed,
 * {@code ;} path parameters (the {@code ..;/} family). Normalised: escapes of unreserved characters are decoded,
 * other escapes upper-cased, dot segments removed (RFC 3986 §5.2.4), repeated slashes merged. The query is
 * validated the same way but otherwise kept as sent.
 */
public record RequestTarget(String path, String query) {

    /** A target that cannot be made canonical; the message says why. */
    public static final class Ambiguous extends Exception {
        private static final long serialVersionUID = 1L;

        Ambiguous(String message) {
            super(message, null, false, false);
        }
    }

    /** The path and query, as forwarded: {@code /a/b?x=1}. */
    public String pathAndQuery() {
        return query == null ? path : path + "?" + query;
    }

    /**
     * The authority the client addressed, as it sent it: {@code Host} over HTTP/1.x, {@code :authority} over HTTP/2
     * (where a {@code host}, if sent, was checked to be the same). What signatures cover as {@code @authority} and what
     * is forwarded as {@code X-Forwarded-Host}; null when there is none.
     */
    public static String authority(io.vertx.core.http.HttpServerRequest req) {
        return req.version() == io.vertx.core.http.HttpVersion.HTTP_2 ? Framing.h2Authority(req)
                : req.headers().get(io.netty.handler.codec.http.HttpHeaderNames.HOST);
    }

    public static RequestTarget canonical(String raw, boolean allowPathParameters) throws Ambiguous {
        if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
            throw new Ambiguous("the request target must be a path starting with /");
        }
        if (raw.indexOf('#') >= 0) {
            throw new Ambiguous("the request target contains a fragment (#)");
        }
        int q = raw.indexOf('?');
        String rawPath = q < 0 ? raw : raw.substring(0, q);
        String rawQuery = q < 0 ? null : raw.substring(q + 1);
        String decoded = decodePath(rawPath, allowPathParameters);
        String path = removeDotSegments(decoded);
        if (rawQuery != null) {
            checkQuery(rawQuery);
        }
        return new RequestTarget(path, rawQuery);
    }

    private static String decodePath(String p, boolean allowParams) throws Ambiguous {
        StringBuilder out = new StringBuilder(p.length());
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '%') {
                ByteBuffer bytes = ByteBuffer.allocate(p.length());
                int start = i;
                while (i < p.length() && p.charAt(i) == '%') {
                    int b = hex(p, i);
                    if (b == 0x2F || b == 0x5C || b == 0x00 || b == 0x25) {
                        throw new Ambiguous("the path contains an encoded " + describe(b) + " (%" + p.substring(i + 1, i + 3) + ")");
                    }
                    if (b < 0x80) {
                        if (bytes.position() > 0) {
                            flushUtf8(bytes, out, p.substring(start, i));
                        }
                        if (isUnreserved(b)) {
                            out.append((char) b);
                        } else if (b < 0x20 || b == 0x7f) {
                            throw new Ambiguous("the path contains an encoded control character");
                        } else {
                            out.append('%').append(Character.toUpperCase(p.charAt(i + 1))).append(Character.toUpperCase(p.charAt(i + 2)));
                        }
                        start = i + 3;
                    } else {
                        bytes.put((byte) b);
                    }
                    i += 3;
                }
                if (bytes.position() > 0) {
                    flushUtf8(bytes, out, p.substring(start, i));
                }
                continue;
            }
            if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}' || c == '|' || c == '^') {
                throw new Ambiguous("the path contains a character that must be percent-encoded (0x" + Integer.toHexString(c) + ")");
            }
            if (c == ';' && !allowParams) {
                throw new Ambiguous("the path contains a ; parameter, which this site does not accept");
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** Validates percent-encoded UTF-8 and re-emits it upper-cased. */
    private static void flushUtf8(ByteBuffer bytes, StringBuilder out, String original) throws Ambiguous {
        bytes.flip();
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes.duplicate());
        } catch (CharacterCodingException e) {
            throw new Ambiguous("the path contains percent-encoded bytes that are not valid UTF-8 (" + original + ")");
        }
        while (bytes.hasRemaining()) {
            out.append('%').append(String.format("%02X", bytes.get() & 0xff));
        }
        bytes.clear();
    }

    private static void checkQuery(String q) throws Ambiguous {
        for (int i = 0; i < q.length(); i++) {
            char c = q.charAt(i);
            if (c == '%') {
                hex(q, i);
                i += 2;
            } else if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}' || c == '|' || c == '^') {
                throw new Ambiguous("the query contains a character that must be percent-encoded (0x" + Integer.toHexString(c) + ")");
            }
        }
    }

    /** RFC 3986 §5.2.4, on a path whose dots are all literal; also merges repeated slashes. */
    static String removeDotSegments(String path) throws Ambiguous {
        Deque<String> out = new ArrayDeque<>();
        String[] segs = path.substring(1).split("/", -1);
        for (int i = 0; i < segs.length; i++) {
            String s = segs[i];
            boolean last = i == segs.length - 1;
            if (s.equals(".")) {
                if (last) {
                    out.addLast("");
                }
            } else if (s.equals("..")) {
                if (out.isEmpty()) {
                    throw new Ambiguous("the path climbs above the root with ..");
                }
                out.removeLast();
                if (last) {
                    out.addLast("");
                }
            } else if (s.isEmpty() && !last) {
                // merge //
            } else {
                out.addLast(s);
            }
        }
        return "/" + String.join("/", out);
    }

    private static int hex(String s, int i) throws Ambiguous {
        if (i + 3 > s.length()) {
            throw new Ambiguous("a % escape is cut short");
        }
        int h = Character.digit(s.charAt(i + 1), 16);
        int l = Character.digit(s.charAt(i + 2), 16);
        if (h < 0 || l < 0) {
            throw new Ambiguous("a % escape is not two hexadecimal digits");
        }
        return h * 16 + l;
    }

    private static boolean isUnreserved(int b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '.' || b == '_' || b == '~';
    }

    private static String describe(int b) {
        return switch (b) {
            case 0x2F -> "slash";
            case 0x5C -> "backslash";
            case 0x00 -> "NUL";
            default -> "percent sign (double encoding)";
        };
    }
}
