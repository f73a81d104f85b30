package org.cb4i.verifier;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.cb4i.sdk.terms.Usage;

/**
 * A way to verify a dataset, giving every record's verdict in manifest order and the totals: this machine's cores
 * ({@link DatasetVerifier}, {@code cb4i verify}'s default) or a cluster (the Spark engine of the {@code verifier-spark}
 * module, {@code cb4i verify --engine spark}). Engines judge with the same {@link DatasetSession}, so they agree.
 */
public interface VerificationEngine {
    DatasetVerifier.Summary verify(Path manifest, Consumer<RecordResult> each) throws IOException, InterruptedException;

    /** An engine found by name ({@code --engine NAME}) among those on the class path ({@link java.util.ServiceLoader}). */
    interface Provider {
        String name();

        VerificationEngine create(Settings settings);
    }

    /**
     * What an engine that judges in other processes needs to open the dataset there.
     *
     * @param trustFile the trust store's file (read again by each worker)
     * @param master where the engine runs, e.g. {@code local[*]} or a cluster's URL
     */
    record Settings(Path trustFile, Usage usage, List<Path> warcFiles, String master) {
        public Settings {
            warcFiles = List.copyOf(warcFiles);
        }
    }
}
