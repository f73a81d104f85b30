package org.cb4i.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.cb4i.issuer.collective.AdminOps;
import org.cb4i.issuer.collective.Collective;
import org.cb4i.issuer.Issuer;
import org.cb4i.issuer.config.IssuerConfig;
import org.cb4i.issuer.config.IssuerConfigLoader;
import org.cb4i.issuer.sample.EmbeddedDefault;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.StoreException;
import org.cb4i.sdk.config.ConfigException;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cb4i issuer}: runs the collective's license server, and administers it. Administration goes to the store
 * directly when no issuer holds it, else to the running issuer's {@code /admin} endpoint with its admin token;
 * both apply the same {@link AdminOps}.
 */
@Command(name = "issuer", mixinStandardHelpOptions = true,
        description = "Run the collective's license server (without --config: an embedded demo collective on 127.0.0.1:8090), "
                + "or administer it with the subcommands.",
        subcommands = {IssuerAdminCommands.Member.class, IssuerAdminCommands.Licensee.class, IssuerAdminCommands.AgreementCmd.class,
                IssuerAdminCommands.LicenseList.class, IssuerAdminCommands.Revoke.class, IssuerAdminCommands.Suspend.class,
                IssuerAdminCommands.Strike.class, IssuerAdminCommands.Resume.class, IssuerAdminCommands.Status.class, IssuerAdminCommands.Audit.class,
                IssuerAdminCommands.ConsentCmd.class, IssuerAdminCommands.Invite.class, IssuerAdminCommands.ProposalCmd.class, IssuerAdminCommands.OfferCmd.class,
                SettlementCommands.Log.class, SettlementCommands.Collect.class, SettlementCommands.Usage.class, SettlementCommands.Settle.class,
                SettlementCommands.Statements.class, SettlementCommands.Invoice.class, SettlementCommands.Credit.class, IssuerAdminCommands.Migrate.class})
final class IssuerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Target target;

    @Option(names = "--log-format", defaultValue = "${env:CB4I_LOG_FORMAT:-text}", paramLabel = "text|json",
            description = "Operational messages on standard error as text lines or JSON objects (default ${DEFAULT-VALUE}; the environment's "
                    + "CB4I_LOG_FORMAT sets it too).")
    String logFormat;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OperationalLog.configure(OperationalLog.parse(logFormat));
        java.util.function.Consumer<String> events = OperationalLog.of("issuer");
        IssuerConfig cfg = target.config();
        Issuer issuer;
        try {
            issuer = Issuer.start(cfg, Clock.systemUTC(), events);
        } catch (BindException e) {
            err.println("cb4i: cannot listen on " + cfg.host() + ":" + cfg.port() + ": the address is in use"
                    + (target.configFile == null ? " (choose another with --port)" : ""));
            return ExitCodes.BAD_INPUT;
        }
        boolean seeded = target.configFile == null && EmbeddedDefault.seed(issuer.collective(), target.state);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (String line : issuer.stop().describe()) {
                events.accept(line);
            }
            stopped.countDown();
        }, "cb4i-issuer-shutdown"));
        String base = "http://" + cfg.host() + ":" + issuer.port();
        out.println("cb4i issuer is running" + (target.configFile == null ? " on its embedded default" : "") + " as " + cfg.id());
        out.println("  token        " + base + "/token      (RSL OLP, grant_type=client_credentials, signed request)");
        out.println("  status list  " + base + "/status/1   (ttl " + cfg.statusTtl().toSeconds() + " s)");
        out.println("  repertoire   " + base + "/repertoire   keys " + base + "/jwks   discovery " + base + "/.well-known/cb4i");
        out.println("  store        " + cfg.store() + "   admin token " + cfg.adminToken());
        String console = "http://localhost:" + issuer.port() + "/console/";
        out.println("  console      " + console + "   (operators: " + console + "operator with the admin token, from this machine;"
                + " members: a link from ./cb4i issuer invite)");
        if (target.configFile == null) {
            // The demo member's one-time invite to the console, to see it in a browser in one step (passkeys need localhost).
            java.time.Instant now = issuer.collective().clock().instant();
            String invite = issuer.collective().store().console().newInvite("member:" + EmbeddedDefault.MEMBER, now, now.plus(java.time.Duration.ofHours(24)));
            out.println("  invite       " + console + "invite#t=" + invite + "   (the demo member's, once, for 24 hours)");
            String operator = issuer.collective().store().console().newInvite("operator", now, now.plus(java.time.Duration.ofHours(24)));
            out.println("  operator     " + console + "operator/link#t=" + operator + "   (the demo operator's sign-in, once, for 24 hours, on this machine)");
        }
        if (target.configFile == null) {
            String s = target.state.toString();
            out.println();
            out.println((seeded ? "Seeded" : "Holds") + " a sample collective: member " + EmbeddedDefault.MEMBER + ", licensee " + EmbeddedDefault.LICENSEE
                    + " (key " + s + "/crawler), agreement " + EmbeddedDefault.AGREEMENT + " (ai-train). Try, from another terminal:");
            out.println("  ./cb4i license request --issuer " + base + " --key " + s + "/crawler/private.jwk --out " + s + "/license.jwt");
            out.println("  ./cb4i issuer status");
            out.println("  ./cb4i issuer strike --licensee " + EmbeddedDefault.LICENSEE + "      (and ./cb4i issuer resume --licensee "
                    + EmbeddedDefault.LICENSEE + ")");
            out.println("With ./cb4i proxy running too, ./cb4i fetch with that license gets 200, then 401 LICENSE_SUSPENDED within "
                    + cfg.statusTtl().toSeconds() + " s of a strike.");
        }
        out.println();
        out.println("Ctrl-C stops it.");
        out.flush();
        stopped.await();
        return ExitCodes.OK;
    }

    /** Where the issuer's state is: a configuration, or the embedded default's state folder; and how to reach a running one. */
    static final class Target {
        @Option(names = "--config", paramLabel = "FILE", description = "The issuer's YAML configuration (see README, \"The issuer\").")
        Path configFile;

        @Option(names = "--state", defaultValue = ".cb4i", paramLabel = "DIR", description = "State folder of the embedded default (default ${DEFAULT-VALUE}).")
        Path state;

        @Option(names = "--port", defaultValue = "8090", paramLabel = "N", description = "Port of the embedded default (default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--server", paramLabel = "URL", description = "Administer the issuer running at URL (default: the store directly, "
                + "or the issuer that holds it).")
        URI server;

        @Option(names = "--admin-token", paramLabel = "FILE", description = "The admin token file (default: the configuration's).")
        Path adminToken;

        IssuerConfig config() throws IOException, ConfigException {
            return configFile != null ? IssuerConfigLoader.load(configFile) : EmbeddedDefault.config(state, port);
        }
    }

    /** An admin subcommand: builds its op, applies it, prints the answer. */
    abstract static class AdminCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target;

        @Option(names = "--json", description = "Print the answer as JSON.")
        boolean json;

        abstract Map<String, Object> op() throws IOException;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> op = op();
            JsonNode answer;
            try {
                answer = apply(Json.mapper().valueToTree(op));
            } catch (StoreException e) {
                spec.commandLine().getErr().println("cb4i: " + e.getMessage());
                return e.kind() == StoreException.Kind.INVALID ? ExitCodes.BAD_INPUT : ExitCodes.REFUSED;
            }
            PrintWriter out = spec.commandLine().getOut();
            int code = show(out, answer);
            out.flush();
            return code;
        }

        /** Prints the answer (JSON with {@code --json}, else for people); returns the exit code. */
        int show(PrintWriter out, JsonNode answer) throws IOException {
            if (json) {
                out.print(Json.writePretty(answer));
                out.println();
            } else {
                print(out, answer);
            }
            return ExitCodes.OK;
        }

        /** How long a running issuer may take to answer. */
        Duration timeout() {
            return Duration.ofSeconds(30);
        }

        private JsonNode apply(JsonNode op) throws Exception {
            IssuerConfig cfg = target.config();
            if (target.server == null) {
                IssuerStore store;
                try {
                    store = IssuerStore.open(cfg.store());
                } catch (StoreException e) {
                    if (!e.getMessage().contains("in use")) {
                        throw e;
                    }
                    return remote(cfg.publicUrl(), cfg, op);
                }
                try (store) {
                    Collective c = new Collective(cfg, store, KeyFiles.readSigningKey(cfg.key()), Clock.systemUTC());
                    return Json.mapper().valueToTree(new AdminOps(c).apply(op));
                }
            }
            return remote(target.server, cfg, op);
        }

        private JsonNode remote(URI server, IssuerConfig cfg, JsonNode op) throws IOException, InterruptedException {
            Path tokenFile = target.adminToken != null ? target.adminToken : cfg.adminToken();
            String token = Files.readString(tokenFile, StandardCharsets.US_ASCII).trim();
            URI admin = URI.create(server.toString().replaceAll("/+$", "") + "/admin");
            HttpResponse<String> resp;
            try {
                resp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(HttpRequest.newBuilder(admin)
                        .timeout(timeout()).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(op))).build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.net.ConnectException e) {
                throw new IOException("cannot reach the issuer at " + admin + " (is it running?)");
            }
            JsonNode body;
            try {
                body = Json.readTree(resp.body());
            } catch (IOException e) {
                throw new IOException(admin + " answered HTTP " + resp.statusCode() + " without JSON");
            }
            if (resp.statusCode() != 200) {
                String msg = admin + ": " + body.path("error_description").asText("HTTP " + resp.statusCode());
                throw switch (resp.statusCode()) {
                    case 400 -> StoreException.invalid(msg);
                    case 404 -> StoreException.notFound(msg);
                    case 409 -> StoreException.conflict(msg);
                    default -> new StoreException(msg);
                };
            }
            return body;
        }

        /** Prints an answer for people: lists one row per item, other members as {@code key: value}. */
        static void print(PrintWriter out, JsonNode answer) {
            List<String> plain = new ArrayList<>();
            answer.fields().forEachRemaining(e -> {
                if (e.getKey().equals("op")) {
                    return;
                }
                if (e.getValue().isArray() && !e.getValue().isEmpty() && e.getValue().get(0).isObject()) {
                    out.println(e.getKey() + ": " + e.getValue().size());
                    for (JsonNode item : e.getValue()) {
                        List<String> cells = new ArrayList<>();
                        item.fields().forEachRemaining(f -> cells.add(f.getKey() + "=" + cell(f.getKey(), f.getValue())));
                        out.println("  " + String.join("  ", cells));
                    }
                } else {
                    plain.add(e.getKey() + "=" + cell(e.getKey(), e.getValue()));
                }
            });
            if (!plain.isEmpty()) {
                out.println(answer.path("op").asText() + ": " + String.join("  ", plain));
            }
        }

        private static String cell(String key, JsonNode v) {
            if (v.isIntegralNumber() && List.of("joined", "left", "created", "not_before", "not_after", "iat", "exp", "at").contains(key)) {
                return Instant.ofEpochSecond(v.longValue()).toString();
            }
            return v.isTextual() ? v.textValue() : v.toString();
        }
    }

    static Map<String, Object> op(String name, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", name);
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    /** A date (2027-01-31, midnight UTC) or an instant (2027-01-31T12:00:00Z), as seconds. */
    static Long seconds(String option, String value) {
        if (value == null) {
            return null;
        }
        try {
            return value.contains("T") ? Instant.parse(value).getEpochSecond() : LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + ": expected a date such as 2027-01-31 or an instant such as 2027-01-31T12:00:00Z; found \""
                    + value + "\"");
        }
    }

    static Object keysJson(Path file) throws IOException {
        KeySet keys = KeyFiles.readKeySet(file);
        return Json.readTree(Json.write(keys.toJsonObject()));
    }

    // ------------------------------------------------------------------ members
}
