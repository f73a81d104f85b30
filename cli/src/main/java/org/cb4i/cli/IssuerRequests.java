package org.cb4i.cli;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.json.Json;
import picocli.CommandLine.Model.CommandSpec;

/** What the member's and the licensee's commands share when they talk to an issuer: sending, and saying why it refused. */
final class IssuerRequests {
    private IssuerRequests() {}

    static HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Prints the issuer's refusal ({@code error: error_description}) and returns the exit code: bad input for a 400. */
    static int refused(CommandSpec spec, HttpResponse<String> r) {
        String why;
        try {
            var e = Json.readObject(r.body(), "the issuer's answer", org.cb4i.sdk.Reason.MALFORMED_JSON);
            why = e.path("error").asText("") + ": " + e.path("error_description").asText("");
        } catch (Cb4iException e) {
            why = r.body().length() > 200 ? r.body().substring(0, 200) : r.body();
        }
        spec.commandLine().getErr().println("cb4i: the issuer refused (HTTP " + r.statusCode() + ") " + why);
        return r.statusCode() == 400 ? ExitCodes.BAD_INPUT : ExitCodes.REFUSED;
    }
}
