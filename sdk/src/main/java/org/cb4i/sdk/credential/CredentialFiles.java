package org.cb4i.sdk.credential;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.files.AtomicFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;

/**
 * Signing files in place ([CRD-3]): an HTML page gets its credential embedded, any other file gets a sidecar
 * {@code NAME.credential.jwt}. Every write goes through a temporary file and a rename, so a signed tree never holds a
 * half-written file. Stateless and thread-safe.
 */
public final class CredentialFiles {
    public static final String SIDECAR_SUFFIX = ".credential.jwt";
    private static final Pattern META_CHARSET = Pattern.compile("<meta[^>]+charset\\s*=\\s*[\"']?([A-Za-z0-9_:.-]+)", Pattern.CASE_INSENSITIVE);

    private CredentialFiles() {}

    /** What became of one file. */
    public enum Outcome { SIGNED, UNCHANGED }

    /** Where signed bytes go: {@link AtomicFiles#write} by default, or a {@link AtomicFiles.Batch} for a whole tree. */
    @FunctionalInterface
    public interface Output {
        void write(Path target, byte[] bytes) throws IOException;
    }

    private static final Output ONE_BY_ONE = (target, bytes) -> AtomicFiles.write(target, bytes, false, true);

    /** What a signer puts in every credential besides the digests. */
    public record Signer(SigningKey key, String publisher, URI baseUrl, java.util.List<String> creators, Optional<URI> terms) {}

    public static boolean isHtml(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".html") || n.endsWith(".htm");
    }

    public static Path sidecarOf(Path file) {
        return file.resolveSibling(file.getFileName() + SIDECAR_SUFFIX);
    }

    /**
     * Signs one file. {@code relative} is its path under the signed root, appended to the base URL as {@code sub}.
     *
     * @throws MalformedInputException with the reason a file cannot be signed (binary content in an .html file, an
     *     encoding that is not ASCII-compatible, an ambiguous or misplaced credential already in the page)
     */
    public static Outcome sign(Path file, String relative, Signer s, Instant now) throws IOException {
        return sign(file, relative, s, now, ONE_BY_ONE);
    }

    /** As {@link #sign(Path, String, Signer, Instant)}, writing through {@code output}. */
    public static Outcome sign(Path file, String relative, Signer s, Instant now, Output output) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String sub = s.baseUrl().resolve(relative.replace('\\', '/')).toString();
        if (isHtml(file)) {
            org.jsoup.nodes.Document doc = org.jsoup.Jsoup.parse(decode(bytes, file)); // parsed once for both uses
            CredentialClaims.Digests d = HtmlCredentials.digestsOf(doc);
            Optional<String> existing = HtmlCredentials.extract(doc);
            if (existing.isPresent() && sameAsSigned(existing.get(), s, sub, d)) {
                return Outcome.UNCHANGED;
            }
            String credential = ContentCredentials.sign(claims(s, sub, now, d), s.key());
            // Edit the bytes as ISO-8859-1 (one char per byte): every byte the publisher wrote is kept.
            String raw = new String(bytes, StandardCharsets.ISO_8859_1);
            String signed = HtmlCredentials.embed(raw, credential, s.terms());
            output.write(file, signed.getBytes(StandardCharsets.ISO_8859_1));
            return Outcome.SIGNED;
        }
        CredentialClaims.Digests d = new CredentialClaims.Digests(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(sha256(bytes)));
        Path sidecar = sidecarOf(file);
        if (Files.isRegularFile(sidecar)) {
            String existing = Files.readString(sidecar, StandardCharsets.US_ASCII).strip();
            if (sameAsSigned(existing, s, sub, d)) {
                return Outcome.UNCHANGED;
            }
        }
        output.write(sidecar, (ContentCredentials.sign(claims(s, sub, now, d), s.key()) + "\n").getBytes(StandardCharsets.US_ASCII));
        return Outcome.SIGNED;
    }

    private static CredentialClaims claims(Signer s, String sub, Instant now, CredentialClaims.Digests d) {
        return new CredentialClaims(s.publisher(), sub, now, s.creators(), Optional.empty(),
                s.terms().map(t -> new CredentialClaims.Terms(t, Optional.empty())), Optional.empty(), java.util.Set.of(), d);
    }

    /**
     * Whether {@code compact} is exactly the credential this signer would write for this content, up to its {@code iat}.
     * Ed25519 signatures are deterministic, so signing the claims it carries again and getting the same string back
     * proves it ours and intact, at the cost of one signature, cheaper than verifying one.
     */
    private static boolean sameAsSigned(String compact, Signer s, String sub, CredentialClaims.Digests d) {
        try {
            CredentialClaims c = ContentCredentials.readUnverified(compact);
            boolean same = c.issuer().equals(s.publisher()) && c.subject().equals(sub) && c.digests().equals(d) && c.creators().equals(s.creators())
                    && c.terms().map(CredentialClaims.Terms::uri).equals(s.terms());
            if (!same) {
                return false;
            }
            if (s.key().algorithm() == org.cb4i.sdk.key.KeyAlgorithm.ED25519) {
                return ContentCredentials.sign(c, s.key()).equals(compact);
            }
            ContentCredentials.verify(compact, KeySet.of(s.key().publicKey())); // ES256 signatures are randomised
            return true;
        } catch (Cb4iException e) {
            return false; // not ours, or not valid: sign afresh
        }
    }

    /**
     * Decodes an HTML file: a BOM, else a {@code <meta charset>}, else UTF-8. Refuses binary content and encodings that
     * are not ASCII-compatible (the credential is inserted as ASCII bytes).
     */
    public static String decode(byte[] bytes, Path file) {
        for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
            if (bytes[i] == 0) {
                throw new MalformedInputException(Reason.MALFORMED_CONTENT, file + ": binary content (a NUL byte), not an HTML page");
            }
        }
        if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF) || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
            throw new MalformedInputException(Reason.MALFORMED_CONTENT, file + ": UTF-16 pages cannot be signed in place; convert to UTF-8");
        }
        Charset cs = StandardCharsets.UTF_8;
        String head = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.ISO_8859_1);
        Matcher m = META_CHARSET.matcher(head);
        if (HtmlCredentials.find(m, head, "<meta", 0) >= 0) {
            try {
                cs = Charset.forName(m.group(1));
            } catch (IllegalArgumentException e) {
                throw new MalformedInputException(Reason.MALFORMED_CONTENT, file + ": unknown charset \"" + m.group(1) + "\"");
            }
            if (!cs.newEncoder().canEncode("<>\"=/ abcxyz") || cs.name().startsWith("UTF-16") || cs.name().startsWith("UTF-32")) {
                throw new MalformedInputException(Reason.MALFORMED_CONTENT, file + ": charset " + cs.name() + " is not ASCII-compatible");
            }
        }
        if (cs.equals(StandardCharsets.UTF_8)) {
            // The JDK's own UTF-8 decoding is several times faster than a CharsetDecoder, but replaces malformed input
            // with U+FFFD: only a page that then holds one needs the strict decoder's verdict.
            String fast = new String(bytes, StandardCharsets.UTF_8);
            if (fast.indexOf('\uFFFD') < 0) {
                return fast;
            }
        }
        try {
            return cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedInputException(Reason.MALFORMED_CONTENT, file + ": not valid " + cs.name() + " text");
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
