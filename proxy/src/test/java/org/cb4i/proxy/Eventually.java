package org.cb4i.proxy;

import java.time.Duration;

/** Waits for a condition instead of sleeping a fixed time: polls it every 5 ms, fails after 10 s. */
final class Eventually {
    private Eventually() {}

    /** A condition that may throw while it is checked (a failure to check is a failure of the test). */
    interface Condition {
        boolean holds() throws Exception;
    }

    static void until(Condition condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the condition did not hold within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
