package dev.tensorgraph.spark;

import org.apache.spark.sql.SparkSession;

/** The local Spark of a test class: two worker threads, task retries on, no UI, few shuffle partitions. */
final class SparkTestSession {
    private SparkTestSession() {}

    /** {@code local[2,4]}: two threads, and a failed task is tried up to 4 times, as on a cluster. */
    static SparkSession start(String app) {
        return SparkSession.builder().master("local[2,4]").appName(app)
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }
}
