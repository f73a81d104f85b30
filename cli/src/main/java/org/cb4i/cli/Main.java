package org.cb4i.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Properties;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.MalformedInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code cb4i} command. Exit codes (README, "Exit codes"): {@value ExitCodes#OK} ok,
 * {@value ExitCodes#REFUSED} refused or failed verification, {@value ExitCodes#BAD_INPUT} bad usage or
 * unreadable input. Errors are one line on stderr, never a stack trace (set {@code CB4I_DEBUG=1} for one).
 */
@Command(name = "cb4i", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Collective bargaining for information: licenses, proof of possession, revocation, "
                + "content credentials, receipts and dataset verification for AI crawling.",
        subcommands = {ProxyCommand.class, IssuerCommand.class, CrawlCommand.class, VerifyCommand.class, ValueCommand.class, TrustCommand.class, StatementCommand.class, DemoCommand.class, FetchCommand.class, SignCommand.class, InspectCommand.class, KeysCommand.class, LicenseCommand.class, ConsentCommand.class, ProposalCommand.class, WalkthroughCommand.class, SiteCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit code. For tests and embedding. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("cb4i: " + describe(e));
            if (System.getenv("CB4I_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            cmd.getErr().flush();
            return exitCodeOf(e);
        });
        cl.setParameterExceptionHandler((e, a) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("cb4i: " + e.getMessage());
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
            cmd.getErr().flush();
            return ExitCodes.BAD_INPUT;
        });
        return cl.execute(args);
    }

    /** The command tree, as {@code cb4i --help} shows it. */
    static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    static int exitCodeOf(Exception e) {
        if (e instanceof MalformedInputException || e instanceof IOException || e instanceof IllegalArgumentException) {
            return ExitCodes.BAD_INPUT;
        }
        return ExitCodes.REFUSED;
    }

    static String describe(Exception e) {
        if (e instanceof Cb4iException c) {
            return c.getMessage() + " [" + c.reason() + "]";
        }
        if (e instanceof NoSuchFileException f) {
            return f.getFile() + ": no such file";
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " already exists (use --force to replace it)";
        }
        if (e instanceof AccessDeniedException f) {
            return f.getFile() + ": permission denied";
        }
        if (e instanceof IOException) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The version, from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"cb4i " + p.getProperty("version", "unknown")};
        }
    }
}
