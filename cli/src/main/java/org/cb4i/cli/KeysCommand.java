package org.cb4i.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cb4i keys}: key pairs for collectives, publishers, crawlers and proxy logs. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Generate signing keys.",
        subcommands = KeysCommand.Generate.class)
final class KeysCommand {

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Generate a key pair: writes private.jwk (mode 0600), public.jwk and public.jwks into DIR.")
    static final class Generate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write the key files into (created if missing).")
        Path out;

        @Option(names = "--alg", defaultValue = "ed25519", paramLabel = "ALG", description = "ed25519 (default) or es256.")
        String alg;

        @Option(names = "--force", description = "Replace an existing key in DIR (the old private key is lost).")
        boolean force;

        @Override
        public Integer call() throws Exception {
            KeyAlgorithm a = KeyAlgorithm.parse(alg).orElseThrow(() -> new IllegalArgumentException("--alg must be ed25519 or es256, not \"" + alg + "\""));
            SigningKey key = KeyFiles.generate(a);
            KeyFiles.writeKeyPair(out, key, force);
            var w = spec.commandLine().getOut();
            w.println("generated " + a.name().toLowerCase(java.util.Locale.ROOT) + " key " + key.thumbprint());
            w.println("  private  " + out.resolve(KeyFiles.PRIVATE_JWK) + "  (mode 0600: keep it secret)");
            w.println("  public   " + out.resolve(KeyFiles.PUBLIC_JWK));
            w.println("  key set  " + out.resolve(KeyFiles.PUBLIC_JWKS));
            return ExitCodes.OK;
        }
    }
}
