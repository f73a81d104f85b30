// Pre-signs requests for the fresh-signature benchmark (wrk cannot sign Ed25519), and measures the floor:
// single-thread Ed25519 verifications per second with the same BouncyCastle code the proxy uses.
//   java -cp cli/target/cb4i.jar bench/proxy/SignRequests.java KEY BASE_URL PATH COUNT OUT.tsv REUSABLE_OUT
// REUSABLE_OUT gets the Signature-Input and Signature (one per line) of one reusable signature for BASE_URL.
import java.io.BufferedWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.cb4i.sdk.httpsig.SignatureBase;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.SigningKey;

public class SignRequests {
    public static void main(String[] a) throws Exception {
        SigningKey key = KeyFiles.readSigningKey(Path.of(a[0]));
        String base = a[1];
        String path = a[2];
        int count = Integer.parseInt(a[3]);
        WebBotAuthSigner signer = new WebBotAuthSigner(key, Optional.empty(), Clock.systemUTC(), Duration.ofMinutes(4));
        SignatureHeaders reusable = signer.sign(SignedRequest.of("GET", URI.create(base + "/")), SignaturePolicy.REUSABLE);
        Files.writeString(Path.of(a[5]), reusable.signatureInput() + "\n" + reusable.signature() + "\n");
        String[] bases = new String[Math.min(count, 20000)];
        byte[][] sigs = new byte[bases.length][];
        try (BufferedWriter w = Files.newBufferedWriter(Path.of(a[4]), StandardCharsets.UTF_8)) {
            for (int i = 0; i < count; i++) {
                String p = path + "?n=" + i;
                SignedRequest req = SignedRequest.of("GET", URI.create(base + p));
                SignatureHeaders h = signer.sign(req, SignaturePolicy.PER_REQUEST);
                w.write(p + "\t" + h.signatureInput() + "\t" + h.signature() + "\n");
                if (i < bases.length) {
                    SignedRequest signed = SignedRequest.of("GET", URI.create(base + p), java.util.Map.of(
                            "signature-input", java.util.List.of(h.signatureInput()), "signature", java.util.List.of(h.signature())));
                    bases[i] = SignatureBase.of(signed, "sig1");
                    String s = h.signature();
                    sigs[i] = java.util.Base64.getDecoder().decode(s.substring(s.indexOf(':') + 1, s.lastIndexOf(':')));
                }
            }
        }
        // Floor: Ed25519 verifications per second on one thread (warm up first).
        for (int i = 0; i < bases.length; i++) {
            key.publicKey().verify(bases[i].getBytes(StandardCharsets.UTF_8), sigs[i]);
        }
        long t0 = System.nanoTime();
        int n = 0;
        for (int r = 0; r < 2; r++) {
            for (int i = 0; i < bases.length; i++) {
                if (!key.publicKey().verify(bases[i].getBytes(StandardCharsets.UTF_8), sigs[i])) {
                    throw new IllegalStateException("a signature did not verify");
                }
                n++;
            }
        }
        double perSec = n / ((System.nanoTime() - t0) / 1e9);
        System.out.printf("ed25519_verify_per_second_one_thread %.0f%n", perSec);
    }
}
