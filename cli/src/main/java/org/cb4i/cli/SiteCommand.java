package org.cb4i.cli;

import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.cb4i.proxy.sample.SampleSite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cb4i site}: a plain origin on loopback, the sample site or a folder, for a proxy configuration to put itself in
 * front of (the fleet example, a publisher trying cb4i before pointing it at the real site).
 */
@Command(name = "site", mixinStandardHelpOptions = true,
        description = "Serve the sample site (or a folder) on 127.0.0.1 as a plain origin, for a proxy to front. Ctrl-C stops it.")
final class SiteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "9000", paramLabel = "N", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--root", paramLabel = "DIR", description = "Serve this folder instead of the bundled sample pages.")
    Path root;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (root != null && !Files.isDirectory(root)) {
            err.println("cb4i: --root " + root + ": not a folder");
            return ExitCodes.BAD_INPUT;
        }
        SampleSite site;
        try {
            site = SampleSite.start(Optional.ofNullable(root), port);
        } catch (BindException e) {
            err.println("cb4i: cannot listen on 127.0.0.1:" + port + ": the address is in use (choose another with --port)");
            return ExitCodes.BAD_INPUT;
        }
        out.println("cb4i site: serving " + (root == null ? "the sample site" : root.toAbsolutePath()) + " on http://127.0.0.1:" + site.port()
                + "/  (Ctrl-C stops it)");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            site.close();
            stopped.countDown();
        }));
        stopped.await();
        return ExitCodes.OK;
    }
}
