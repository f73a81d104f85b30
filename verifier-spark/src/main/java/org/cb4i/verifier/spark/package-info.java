/**
 * The dataset verifier on Apache Spark ({@code verifier-spark}): {@link org.cb4i.verifier.spark.SparkEngine} judges a
 * manifest's lines on a cluster's partitions with the same {@link org.cb4i.verifier.DatasetSession} as
 * {@code cb4i verify} and takes the verdicts in manifest order on the driver, so that its reports are those of the
 * default engine; {@link org.cb4i.verifier.spark.VerifyJob} is the same as a {@code spark-submit} job writing Parquet.
 */
package org.cb4i.verifier.spark;
