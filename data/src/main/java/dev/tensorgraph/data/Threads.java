package dev.tensorgraph.data;

/** Starting and stopping the pipeline's background threads. */
final class Threads {
    private Threads() {}

    /** A started daemon thread with the given name. */
    static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Waits until every thread has ended (they have been interrupted). An interrupt of the calling thread does not
     * cut the wait short, since no thread may outlive the stream that closes it; the interrupt is kept.
     */
    static void joinAll(Thread... threads) {
        boolean interrupted = false;
        for (Thread t : threads) {
            if (t == Thread.currentThread()) {
                continue;
            }
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
