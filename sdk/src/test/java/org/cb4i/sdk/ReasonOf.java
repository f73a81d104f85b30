package org.cb4i.sdk;

/** The reason a call was refused with, for tests that compare reasons across many inputs. */
public final class ReasonOf {
    private ReasonOf() {}

    /** The reason of the {@link Cb4iException} {@code r} throws, or null when it returns normally. */
    public static Reason reasonOf(Runnable r) {
        try {
            r.run();
        } catch (Cb4iException e) {
            return e.reason();
        }
        return null;
    }
}
