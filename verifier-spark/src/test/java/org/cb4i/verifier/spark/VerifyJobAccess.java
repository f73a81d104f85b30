package org.cb4i.verifier.spark;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.cb4i.verifier.DatasetVerifier;
import org.cb4i.verifier.VerificationEngine;

/** The job's run for the tests (in the package of the job, whose entry point for people is its main). */
public final class VerifyJobAccess {
    private VerifyJobAccess() {}

    public static DatasetVerifier.Summary run(SparkSession spark, Path manifest, VerificationEngine.Settings s, Path out) throws Exception {
        return VerifyJob.run(spark, manifest, s, out);
    }
}
