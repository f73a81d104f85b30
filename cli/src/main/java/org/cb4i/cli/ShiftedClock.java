package org.cb4i.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Real time moved by an offset that can be moved again: the demo's clock. Time passes at its real pace (status
 * lists expire, signatures age), but the demo starts shortly before a month's end and can step past it.
 */
final class ShiftedClock extends Clock {
    private volatile Duration offset;

    private ShiftedClock(Duration offset) {
        this.offset = offset;
    }

    /** A clock that reads {@code before} before the end of the last month (UTC) now, and runs on from there. */
    static ShiftedClock beforeEndOfLastMonth(Duration before) {
        Instant target = YearMonth.now(ZoneOffset.UTC).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).minus(before);
        return new ShiftedClock(Duration.between(Instant.now(), target));
    }

    /** Moves the clock forward by {@code d}. */
    void jump(Duration d) {
        offset = offset.plus(d);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
    }
}
