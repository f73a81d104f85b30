package org.cb4i.sdk.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.files.AtomicFiles;
import org.cb4i.sdk.json.Json;

/**
 * Generating keys and reading and writing them as JWK and JWKS files ([KEY-1], [KEY-2]).
 *
 * <p>A key folder holds {@code private.jwk} (mode 0600), {@code public.jwk} and {@code public.jwks}. Every key
 * cb4i writes has {@code kid} equal to its RFC 7638 thumbprint, {@code use: sig} and its {@code alg}.
 */
public final class KeyFiles {
    public static final String PRIVATE_JWK = "private.jwk";
    public static final String PUBLIC_JWK = "public.jwk";
    public static final String PUBLIC_JWKS = "public.jwks";
    /** Larger key files are refused before parsing: a JWKS of a few hundred keys fits easily. */
    public static final int MAX_KEY_FILE_BYTES = 256 * 1024;

    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyFiles() {}

    /** Generates a fresh key pair. */
    public static SigningKey generate(KeyAlgorithm algorithm) {
        try {
            JWK jwk;
            if (algorithm == KeyAlgorithm.ED25519) {
                byte[] d = new byte[Ed25519.SECRET_KEY_SIZE];
                RANDOM.nextBytes(d);
                byte[] x = new byte[Ed25519.PUBLIC_KEY_SIZE];
                Ed25519.generatePublicKey(d, 0, x, 0);
                OctetKeyPair bare = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).d(Base64URL.encode(d)).build();
                jwk = new OctetKeyPair.Builder(bare).keyUse(KeyUse.SIGNATURE)
                        .algorithm(algorithm.defaultJwsAlgorithm()).keyID(Thumbprints.of(bare.toPublicJWK())).build();
            } else {
                ECKey bare = new ECKeyGenerator(Curve.P_256).generate();
                jwk = new ECKey.Builder(bare).keyUse(KeyUse.SIGNATURE)
                        .algorithm(algorithm.defaultJwsAlgorithm()).keyID(Thumbprints.of(bare.toPublicJWK())).build();
            }
            return SigningKey.of(jwk);
        } catch (JOSEException e) {
            throw new IllegalStateException("key generation failed", e);
        }
    }

    /**
     * Writes {@code private.jwk} (0600), {@code public.jwk} and {@code public.jwks} into {@code dir}.
     *
     * @param overwrite whether existing key files may be replaced; when false and {@code private.jwk} exists,
     *     {@link java.nio.file.FileAlreadyExistsException} is thrown and nothing is written
     */
    public static void writeKeyPair(Path dir, SigningKey key, boolean overwrite) throws IOException {
        Files.createDirectories(dir);
        if (!overwrite && Files.exists(dir.resolve(PRIVATE_JWK))) {
            throw new java.nio.file.FileAlreadyExistsException(dir.resolve(PRIVATE_JWK).toString());
        }
        Map<String, Object> pub = key.publicKey().toJsonObject();
        pub.put("use", "sig");
        pub.put("alg", key.algorithm().defaultJwsAlgorithm().getName());
        AtomicFiles.write(dir.resolve(PRIVATE_JWK), utf8(Json.writePretty(key.privateJwk().toJSONObject())), true, true);
        AtomicFiles.write(dir.resolve(PUBLIC_JWK), utf8(Json.writePretty(pub)), false, true);
        AtomicFiles.write(dir.resolve(PUBLIC_JWKS), utf8(Json.writePretty(Map.of("keys", List.of(pub)))), false, true);
    }

    /**
     * The Ed25519 key pair in {@code dir}: read when {@code private.jwk} is there, else generated and written (for
     * embedded defaults and demos, which must never ship a key in the jar).
     */
    public static SigningKey readOrGenerate(Path dir) throws IOException {
        Path file = dir.resolve(PRIVATE_JWK);
        if (Files.exists(file)) {
            return readSigningKey(file);
        }
        SigningKey k = generate(KeyAlgorithm.ED25519);
        try {
            AtomicFiles.write(file, utf8(Json.writePretty(k.privateJwk().toJSONObject())), true, false);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return readSigningKey(file); // another process generated it first: use that one
        }
        writeKeyPair(dir, k, true);
        return k;
    }

    /**
     * Reads a private JWK file.
     *
     * @throws MalformedInputException naming the file and what is wrong with it
     * @throws IOException when the file cannot be read
     */
    public static SigningKey readSigningKey(Path file) throws IOException {
        String text = readSmall(file);
        try {
            return SigningKey.of(JWK.parse(text));
        } catch (ParseException e) {
            throw new MalformedInputException(Reason.MALFORMED_KEY, file + ": not a JWK: " + e.getMessage());
        } catch (MalformedInputException e) {
            throw new MalformedInputException(e.reason(), file + ": " + e.getMessage());
        }
    }

    /**
     * Reads verification keys from a file holding either one JWK or a JWKS ({@code {"keys": [...]}}).
     * Private members, if present, are dropped.
     */
    public static KeySet readKeySet(Path file) throws IOException {
        return parseKeySet(readSmall(file), file.toString());
    }

    /** Parses a JWK or a JWKS from JSON text; {@code source} names it in error messages. */
    public static KeySet parseKeySet(String text, String source) {
        var obj = Json.readObject(text, source, Reason.MALFORMED_KEY);
        List<VerificationKey> keys = new ArrayList<>();
        try {
            if (obj.has("keys")) {
                for (JWK jwk : JWKSet.parse(text).getKeys()) {
                    keys.add(VerificationKey.of(jwk));
                }
            } else {
                keys.add(VerificationKey.of(JWK.parse(text)));
            }
        } catch (ParseException e) {
            throw new MalformedInputException(Reason.MALFORMED_KEY, source + ": not a JWK or JWKS: " + e.getMessage());
        } catch (MalformedInputException e) {
            throw new MalformedInputException(e.reason(), source + ": " + e.getMessage());
        }
        if (keys.isEmpty()) {
            throw new MalformedInputException(Reason.MALFORMED_KEY, source + ": the key set is empty");
        }
        return new KeySet(keys);
    }

    private static String readSmall(Path file) throws IOException {
        try {
            if (Files.size(file) > MAX_KEY_FILE_BYTES) {
                throw new MalformedInputException(Reason.MALFORMED_KEY, file + ": larger than " + MAX_KEY_FILE_BYTES + " bytes; not a key file");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new MalformedInputException(Reason.MALFORMED_KEY, file + ": not UTF-8 text; not a key file");
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
