package org.cb4i.sdk;

import java.time.Duration;

/**
 * Waits for a condition instead of sleeping a fixed time: polls it every {@value #POLL_MILLIS} ms and fails after the
 * time given (10 s unless said). Shared with the other modules' tests through the SDK's test-jar.
 */
public final class Eventually {
    private static final long POLL_MILLIS = 5;

    private Eventually() {}

    /** A condition that may throw while it is checked (a failure to check is a failure of the test). */
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Returns as soon as {@code condition} holds; throws {@link AssertionError} when it has not after 10 s. */
    public static void until(Condition condition) throws Exception {
        until(Duration.ofSeconds(10), "the condition", condition);
    }

    /** Returns as soon as {@code condition} holds; throws {@link AssertionError} naming {@code what} after {@code max}. */
    public static void until(Duration max, String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not hold within " + max.toSeconds() + " s");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
