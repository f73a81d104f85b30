package org.cb4i.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.credential.CredentialFiles;
import org.cb4i.sdk.files.AtomicFiles;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cb4i sign}: content credentials for a file or a whole tree, in place. */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = "Sign files in place with the publisher's key: HTML pages get a content credential in <head>, other files a "
                + "NAME.credential.jwt sidecar. Files whose content has not changed are left alone. Symbolic links are not followed.")
final class SignCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders to sign.")
    List<Path> paths;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "The publisher's private JWK.")
    Path key;

    @Option(names = "--publisher", required = true, paramLabel = "ID", description = "The publisher's origin (iss), e.g. https://news.example.")
    String publisher;

    @Option(names = "--base-url", paramLabel = "URL", description = "The URL of the signed folder's root (default: the publisher id).")
    URI baseUrl;

    @Option(names = "--terms", paramLabel = "URL", description = "The RSL license document (also linked from each page).")
    URI terms;

    @Option(names = "--creator", paramLabel = "NAME", description = "A creator's name; repeatable.")
    List<String> creators = new ArrayList<>();

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    /**
     * Progress on large trees: a bar redrawn in place on a terminal, a line every 1000 files otherwise (logs, pipes).
     */
    static void progress(PrintWriter err, int done, int total, boolean tty) {
        if (total < 200) {
            return;
        }
        if (tty) {
            if (done % 50 == 0 || done == total) {
                int width = 40;
                int filled = (int) ((long) done * width / total);
                synchronized (err) {
                    err.printf("\r[%s%s] %3d%%  %d / %d files", "#".repeat(filled), " ".repeat(width - filled), done * 100 / total, done, total);
                    err.flush();
                }
            }
        } else if (done % 1000 == 0 || done == total) {
            synchronized (err) {
                err.printf("cb4i sign: %d / %d files%n", done, total);
                err.flush();
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        URI base = baseUrl != null ? baseUrl : URI.create(publisher.endsWith("/") ? publisher : publisher + "/");
        if (!base.toString().endsWith("/")) {
            base = URI.create(base + "/");
        }
        CredentialFiles.Signer signer = new CredentialFiles.Signer(KeyFiles.readSigningKey(key), publisher, base, creators, Optional.ofNullable(terms));
        record Job(Path file, String relative) {}
        List<Job> jobs = new ArrayList<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        for (Path p : paths) {
            if (Files.isSymbolicLink(p)) {
                skipped.put(p.toString(), "a symbolic link (not followed)");
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> s = Files.walk(p)) {
                    for (Path f : s.toList()) {
                        if (Files.isSymbolicLink(f)) {
                            skipped.put(f.toString(), "a symbolic link (not followed)");
                        } else if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && !f.getFileName().toString().endsWith(CredentialFiles.SIDECAR_SUFFIX)
                                && !f.getFileName().toString().startsWith(".")) {
                            jobs.add(new Job(f, p.relativize(f).toString()));
                        }
                    }
                }
            } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                jobs.add(new Job(p, p.getFileName().toString()));
            } else {
                skipped.put(p.toString(), "no such file or folder");
            }
        }
        AtomicInteger signed = new AtomicInteger();
        AtomicInteger unchanged = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ConcurrentLinkedQueue<String[]> failures = new ConcurrentLinkedQueue<>();
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        PrintWriter err = spec.commandLine().getErr();
        boolean tty = System.console() != null;
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        // Signed pages are made durable in batches: forcing each file to disk on its own made the disk, not the CPU,
        // the limit on large trees.
        AtomicFiles.Batch output = new AtomicFiles.Batch(128, 16);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (Job j : jobs) {
                fs.add(pool.submit(() -> {
                    try {
                        if (CredentialFiles.sign(j.file(), j.relative(), signer, now, output::write) == CredentialFiles.Outcome.SIGNED) {
                            signed.incrementAndGet();
                        } else {
                            unchanged.incrementAndGet();
                        }
                    } catch (Cb4iException e) {
                        failures.add(new String[] {j.file().toString(), e.getMessage() + " [" + e.reason() + "]"});
                    } catch (IOException e) {
                        failures.add(new String[] {j.file().toString(), "cannot be read or written: " + e.getClass().getSimpleName()
                                + (e.getMessage() == null ? "" : " " + e.getMessage())});
                    }
                    int n = done.incrementAndGet();
                    progress(err, n, jobs.size(), tty);
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            for (AtomicFiles.Batch.Failure f : output.finish()) {
                // A sidecar names its file; either way the signed file is the one reported.
                String file = f.target().toString();
                if (file.endsWith(CredentialFiles.SIDECAR_SUFFIX)) {
                    file = file.substring(0, file.length() - CredentialFiles.SIDECAR_SUFFIX.length());
                }
                signed.decrementAndGet();
                failures.add(new String[] {file, "cannot be written: " + f.error().getClass().getSimpleName()
                        + (f.error().getMessage() == null ? "" : " " + f.error().getMessage())});
            }
        } finally {
            pool.shutdownNow();
            output.close();
        }
        if (tty && jobs.size() >= 200) {
            err.print("\r" + " ".repeat(70) + "\r");
            err.flush();
        }
        failures.forEach(f -> skipped.put(f[0], f[1]));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("signed", signed.get());
            m.put("unchanged", unchanged.get());
            List<Object> sk = new ArrayList<>();
            skipped.forEach((p, r) -> sk.add(Map.of("path", p, "reason", r)));
            m.put("skipped", sk);
            out.print(Json.writePretty(m));
        } else {
            out.printf("signed %d, unchanged %d, skipped %d%n", signed.get(), unchanged.get(), skipped.size());
            skipped.forEach((p, r) -> out.println("  skipped " + p + ": " + r));
        }
        return skipped.isEmpty() ? ExitCodes.OK : ExitCodes.REFUSED;
    }
}
