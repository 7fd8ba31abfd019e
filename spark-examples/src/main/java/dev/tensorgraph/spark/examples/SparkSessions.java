package dev.tensorgraph.spark.examples;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The examples' Spark session: the one already running in this JVM (an application or test that calls the
 * commands), else a new one on the master given, spark-submit's, or {@code local[2]}. Closing stops only a session
 * that was started here.
 */
record SparkSessions(SparkSession spark, boolean started) implements AutoCloseable {
    static SparkSessions start(String app, String master) {
        var active = SparkSession.getActiveSession();
        if (active.isDefined()) {
            return new SparkSessions(active.get(), false);
        }
        SparkSession.Builder builder = SparkSession.builder().appName(app);
        if (master != null) {
            builder.master(master);
        } else if (!new SparkConf().contains("spark.master")) {
            builder.master("local[2]");
        }
        return new SparkSessions(builder.getOrCreate(), true);
    }

    @Override
    public void close() {
        if (started) {
            spark.stop();
        }
    }
}
