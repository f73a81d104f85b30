package org.cb4i.cli;

import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.cb4i.proxy.Proxy;
import org.cb4i.sdk.config.ConfigException;
import org.cb4i.proxy.config.ConfigLoader;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.proxy.sample.EmbeddedDefault;
import org.cb4i.proxy.sample.SampleSite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cb4i proxy}: the enforcement proxy, on a configuration file or on the embedded default. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Run the enforcement proxy. Without --config it runs an embedded default: a sample site served in-process, "
                + "a demo collective whose key is generated under --state, and prints what to try. Stops on Ctrl-C or SIGTERM, "
                + "draining requests and publishing a final checkpoint.",
        subcommands = ProxyCommand.LogCmd.class)
final class ProxyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "A YAML configuration (see README, \"The proxy\").")
    Path config;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N", description = "Port of the embedded default (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--state", defaultValue = ".cb4i", paramLabel = "DIR", description = "State folder of the embedded default (default ${DEFAULT-VALUE}).")
    Path state;

    @Option(names = "--log-format", defaultValue = "${env:CB4I_LOG_FORMAT:-text}", paramLabel = "text|json",
            description = "Operational messages on standard error as text lines or JSON objects (default ${DEFAULT-VALUE}; the environment's "
                    + "CB4I_LOG_FORMAT sets it too).")
    String logFormat;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OperationalLog.configure(OperationalLog.parse(logFormat));
        java.util.function.Consumer<String> events = OperationalLog.of("proxy");
        ProxyConfig cfg;
        SampleSite site = null;
        try {
            if (config != null) {
                cfg = ConfigLoader.load(config);
            } else {
                site = SampleSite.start();
                // The embedded issuer (cb4i issuer, same --state) keeps its collector key in state/issuer/collector; made
                // here when the proxy starts first, so that its collector may read this log ([SET-8]) in either order.
                Path collector = state.resolve("issuer").resolve("collector");
                org.cb4i.sdk.key.KeyFiles.readOrGenerate(collector);
                cfg = EmbeddedDefault.config(state, port, site.port(), java.util.Optional.of(collector.resolve(org.cb4i.sdk.key.KeyFiles.PUBLIC_JWKS)
                        .toAbsolutePath().toUri()));
            }
        } catch (ConfigException e) {
            err.println("cb4i: the configuration cannot be used:");
            err.println(e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        Proxy proxy;
        try {
            proxy = Proxy.start(cfg, Clock.systemUTC(), events);
        } catch (BindException e) {
            err.println("cb4i: cannot listen on " + cfg.listen() + ": the address is in use"
                    + (config == null ? " (choose another with --port)" : ""));
            if (site != null) {
                site.close();
            }
            return ExitCodes.BAD_INPUT;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        SampleSite siteRef = site;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (String line : proxy.stop().describe()) {
                events.accept(line);
            }
            if (siteRef != null) {
                siteRef.close();
            }
            stopped.countDown();
        }, "cb4i-shutdown"));
        printBanner(out, proxy, config == null);
        out.flush();
        stopped.await();
        return ExitCodes.OK;
    }

    /** {@code cb4i proxy log}: what an operator does to the receipts log while the proxy is stopped. */
    @Command(name = "log", mixinStandardHelpOptions = true, description = "The proxy's receipts log, while the proxy is stopped.",
            subcommands = LogCmd.Retire.class)
    static final class LogCmd {
        /** {@code cb4i proxy log retire}: [LOG-6]. */
        @Command(name = "retire", mixinStandardHelpOptions = true,
                description = "Retire the receipts log (SPEC.md [LOG-6]): sign its final checkpoint, naming a successor log with a new key, and keep "
                        + "it under log.dir/retired/<log id>/, from where the proxy goes on serving it to licensees and collectors. The next start "
                        + "writes entries to the successor. Run it with the proxy stopped, e.g. to replace the log key, or when the log is full.")
        static final class Retire implements Callable<Integer> {
            @Spec
            CommandSpec spec;

            @Option(names = "--config", paramLabel = "FILE", description = "The proxy's YAML configuration (without it: the embedded default's log "
                    + "under --state).")
            Path config;

            @Option(names = "--state", defaultValue = ".cb4i", paramLabel = "DIR", description = "State folder of the embedded default (default "
                    + "${DEFAULT-VALUE}).")
            Path state;

            @Override
            public Integer call() throws Exception {
                PrintWriter out = spec.commandLine().getOut();
                PrintWriter err = spec.commandLine().getErr();
                ProxyConfig.LogSettings settings;
                try {
                    settings = config != null ? ConfigLoader.load(config).log() : EmbeddedDefault.config(state, 0, 0).log();
                } catch (ConfigException e) {
                    err.println("cb4i: the configuration cannot be used:");
                    err.println(e.getMessage());
                    return ExitCodes.BAD_INPUT;
                }
                org.cb4i.proxy.receipts.LogRetirement.Retired r;
                try {
                    r = org.cb4i.proxy.receipts.LogRetirement.retire(settings, Clock.systemUTC(), err::println);
                } catch (java.io.IOException e) {
                    err.println("cb4i: the receipts log in " + settings.dir() + " was not retired: " + e.getMessage());
                    return ExitCodes.REFUSED;
                }
                out.println("log " + r.logId() + " is retired: its final checkpoint covers " + r.size() + " entries and names " + r.successor());
                out.println("  kept in    " + r.kept() + "   (served by the proxy under /.well-known/cb4i/logs/" + r.logId() + "/)");
                out.println("  successor  " + r.successor() + "   (key in " + settings.keyFile() + "; it takes entries when the proxy starts)");
                out.println("A collective's collector reads the retired log up to its final checkpoint, then follows the successor.");
                return ExitCodes.OK;
            }
        }
    }

    private void printBanner(PrintWriter out, Proxy p, boolean embedded) {
        String base = "http://" + p.config().listen().host() + ":" + p.port();
        out.println("cb4i proxy is running" + (embedded ? " on its embedded default" : ""));
        out.println("  site      " + base + "/" + (embedded ? "   (a sample news site served in-process)" : ""));
        p.adminPort().ifPresent(a -> out.println("  admin     http://127.0.0.1:" + a + "/metrics   /healthz   /readyz"));
        out.println("  log id    " + p.log().logId() + "   (receipts: " + base + "/.well-known/cb4i/logs/" + p.log().logId() + "/checkpoint)");
        out.println("  terms     " + base + "/license.xml   " + base + "/robots.txt   " + base + "/.well-known/cb4i");
        if (embedded) {
            String s = state.toString();
            String article = base + "/articles/collective-bargaining.html";
            out.println();
            out.println("Try, from another terminal:");
            out.println("  open " + base + "/ in a browser                 humans pass");
            out.println("  curl -i -A GPTBot " + article);
            out.println("                                                    an AI crawler without a license: 402 and the offer");
            out.println("  ./cb4i keys generate --out " + s + "/crawler");
            out.println("  ./cb4i license issue --issuer-key " + s + "/collective/private.jwk --issuer " + EmbeddedDefault.COLLECTIVE
                    + " --licensee demo-crawler --crawler-key " + s + "/crawler/public.jwk --usages ai-train --days 7 --out " + s + "/license.jwt");
            out.println("  ./cb4i fetch " + article + " --license " + s + "/license.jwt --key " + s + "/crawler/private.jwk");
            out.println("                                                    200 with a CB4I-Receipt header");
        }
        out.println();
        out.println("Ctrl-C stops it (requests in flight finish, a final checkpoint is published).");
    }
}
