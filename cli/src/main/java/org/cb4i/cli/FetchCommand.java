package org.cb4i.cli;

import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.files.AtomicFiles;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cb4i fetch}: one licensed request, as a crawler makes it. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "Fetch a URL as a licensed crawler: 'Authorization: License <token>' plus a Web Bot Auth signature made "
                + "with the key the license is bound to. Prints the status, the receipt and, for a denial, the reason. "
                + "Exit 0 for 2xx, 1 for a denial or error status, 2 for bad input or no connection.")
final class FetchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "URL", description = "The URL to fetch.")
    URI url;

    @Option(names = "--license", required = true, paramLabel = "FILE", description = "The license token.")
    Path license;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "The crawler's private JWK (the key in the license's cnf).")
    Path key;

    @Option(names = "--per-request", description = "Sign @method and @target-uri too (sites whose policy is per-request).")
    boolean perRequest;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the body here (default: print its size only).")
    Path out;

    @Option(names = "--user-agent", defaultValue = "cb4i-fetch/0.1", paramLabel = "UA", description = "User-Agent (default ${DEFAULT-VALUE}).")
    String userAgent;

    @Override
    public Integer call() throws Exception {
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
            throw new IllegalArgumentException("URL must be http or https: " + url);
        }
        String token = Files.readString(license, StandardCharsets.US_ASCII).strip();
        SigningKey k = KeyFiles.readSigningKey(key);
        SignatureHeaders sig = new WebBotAuthSigner(k, Clock.systemUTC()).sign(SignedRequest.of("GET", url),
                perRequest ? SignaturePolicy.PER_REQUEST : SignaturePolicy.REUSABLE);
        HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Authorization", "License " + token)
                .header("Signature-Input", sig.signatureInput())
                .header("Signature", sig.signature())
                .header("User-Agent", userAgent).GET().build();
        HttpResponse<byte[]> resp;
        try {
            resp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            spec.commandLine().getErr().println("cb4i: cannot connect to " + url.getAuthority());
            return ExitCodes.BAD_INPUT;
        }
        PrintWriter w = spec.commandLine().getOut();
        w.println("HTTP " + resp.statusCode() + "  " + url);
        for (String hname : new String[] {"Content-Type", "Content-Length", "CB4I-Receipt", "Cache-Control", "Link", "Content-Usage", "WWW-Authenticate", "Retry-After"}) {
            resp.headers().firstValue(hname).ifPresent(v -> w.println("  " + hname + ": " + v));
        }
        boolean ok = resp.statusCode() / 100 == 2;
        if (!ok && resp.headers().firstValue("Content-Type").orElse("").contains("problem+json")) {
            w.println(new String(resp.body(), StandardCharsets.UTF_8));
        } else if (out != null) {
            AtomicFiles.write(out, resp.body(), false, true);
            w.println("  body: " + resp.body().length + " bytes written to " + out);
        } else {
            w.println("  body: " + resp.body().length + " bytes (use --out FILE to keep it)");
        }
        return ok ? ExitCodes.OK : ExitCodes.REFUSED;
    }
}
