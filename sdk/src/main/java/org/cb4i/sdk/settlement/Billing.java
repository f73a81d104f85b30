package org.cb4i.sdk.settlement;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cb4i.sdk.terms.Usage;

/**
 * The settlement rules of SPEC.md §15: one agreement's usage in one period becomes invoice lines, the collective's
 * fee and the members' payouts, all in whole minor units, with payouts + fee = total exactly. Pure and synchronous.
 */
public final class Billing {
    /** Bytes in a MiB: {@code per_mib} prices 2^20 bytes, so bytes / MiB is an exact decimal. */
    static final BigDecimal MIB = BigDecimal.valueOf(1L << 20);
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Billing() {}

    /**
     * An agreement's bill for a period.
     *
     * @param lines the invoice's lines: usage lines in member then usage order, then flat lines, then minimum lines, then
     *     adjustment lines
     * @param totalMinor the sum of the lines' amounts
     * @param feeMinor the collective's fee
     * @param payouts each member's share, in member id order; with the fee they sum to the total
     */
    public record Bill(String currency, List<InvoiceLine> lines, long totalMinor, long feeMinor, List<Payout> payouts) {
        public Bill {
            lines = List.copyOf(lines);
            payouts = List.copyOf(payouts);
        }
    }

    /**
     * Bills one agreement for one period.
     *
     * @param period the schedule in force at the period's end: its flat and minimum amounts, fee and allocation apply
     * @param usage the period's usage, each total priced by the schedule in force when its entries were made ([SET-4])
     * @param members the collective's members during the period (for {@code equal} and {@code weights})
     * @throws IllegalArgumentException when schedules of the same agreement name different currencies, or there is
     *     an amount to pay out and no member to pay it to
     */
    public static Bill bill(PriceSchedule period, List<UsageTotal> usage, Collection<String> members) {
        return bill(period, usage, List.of(), members);
    }

    /**
     * Bills one agreement for one period, with adjustments: usage of earlier, closed periods that was collected after
     * they closed ([SET-5]), priced as usage lines are, billed after the minimum lines and outside the minimums.
     */
    public static Bill bill(PriceSchedule period, List<UsageTotal> usage, List<UsageTotal> adjustments, Collection<String> members) {
        int digits = period.minorDigits();
        List<InvoiceLine> lines = new ArrayList<>();
        Map<Usage, Long> byUsage = new TreeMap<>();
        Map<String, Long> byMember = new TreeMap<>();
        priceLines(InvoiceLine.Kind.USAGE, period, usage, lines, byUsage, byMember);
        period.base().flat().ifPresent(f -> lines.add(flat(InvoiceLine.Kind.FLAT, Optional.empty(), minor(f, digits))));
        period.byUsage().forEach((u, r) -> r.flat().ifPresent(f -> {
            long amount = minor(f, digits);
            lines.add(flat(InvoiceLine.Kind.FLAT, Optional.of(u), amount));
            byUsage.merge(u, amount, Long::sum);
        }));
        period.byUsage().forEach((u, r) -> r.minimum().ifPresent(m -> {
            long shortfall = minor(m, digits) - byUsage.getOrDefault(u, 0L);
            if (shortfall > 0) {
                lines.add(flat(InvoiceLine.Kind.MINIMUM, Optional.of(u), shortfall));
            }
        }));
        long sum = lines.stream().mapToLong(InvoiceLine::amountMinor).reduce(0, Math::addExact);
        Optional<BigDecimal> min = period.base().minimum();
        if (min.isPresent() && minor(min.get(), digits) > sum) {
            lines.add(flat(InvoiceLine.Kind.MINIMUM, Optional.empty(), minor(min.get(), digits) - sum));
            sum = minor(min.get(), digits);
        }
        List<InvoiceLine> late = new ArrayList<>();
        priceLines(InvoiceLine.Kind.ADJUSTMENT, period, adjustments, late, new TreeMap<>(), byMember);
        lines.addAll(late);
        sum = Math.addExact(sum, late.stream().mapToLong(InvoiceLine::amountMinor).sum());
        long fee = minor(BigDecimal.valueOf(sum).multiply(period.feePercent()).divide(HUNDRED), 0);
        List<Payout> payouts = new ArrayList<>();
        if (sum - fee > 0) {
            Map<String, Long> split = new TreeMap<>(LargestRemainder.split(sum - fee, weights(period.allocation(), byMember, members)));
            if (period.allocation().rule() == Allocation.Rule.VALUE) {
                // [SET-7]: a member of the period valued at 0 or less is paid nothing, and listed so that its statement says so.
                period.allocation().weights().forEach((m, v) -> {
                    if (members.contains(m)) {
                        split.putIfAbsent(m, 0L);
                    }
                });
            }
            split.forEach((m, a) -> payouts.add(new Payout(m, a)));
        }
        return new Bill(period.currency().getCurrencyCode(), lines, sum, fee, payouts);
    }

    /** [SET-4]: one line per member, usage and schedule version, in member then usage order. */
    private static void priceLines(InvoiceLine.Kind kind, PriceSchedule period, List<UsageTotal> usage, List<InvoiceLine> lines, Map<Usage, Long> byUsage,
            Map<String, Long> byMember) {
        List<UsageTotal> sorted = new ArrayList<>(usage);
        sorted.sort((a, b) -> a.member().equals(b.member()) ? a.usage().compareTo(b.usage()) : a.member().compareTo(b.member()));
        for (UsageTotal u : sorted) {
            if (!u.schedule().currency().equals(period.currency())) {
                throw new IllegalArgumentException("the agreement's schedules name two currencies (" + u.schedule().currency() + " and "
                        + period.currency() + "); an agreement is billed in one currency");
            }
            Rates r = u.schedule().ratesFor(u.usage());
            BigDecimal exact = r.perRequest().orElse(BigDecimal.ZERO).multiply(BigDecimal.valueOf(u.billedRequests()))
                    .add(r.perMib().orElse(BigDecimal.ZERO).multiply(BigDecimal.valueOf(u.billedBytes())).divide(MIB));
            long amount = minor(exact, period.minorDigits());
            lines.add(new InvoiceLine(kind, Optional.of(u.member()), Optional.of(u.usage()), u.requests(), u.bytes(), u.attestedRequests(),
                    u.requests() - u.attestedRequests(), amount, u.optedOutRequests()));
            byUsage.merge(u.usage(), amount, Long::sum);
            byMember.merge(u.member(), amount, Long::sum);
        }
    }

    private static Map<String, BigDecimal> weights(Allocation a, Map<String, Long> generated, Collection<String> members) {
        Map<String, BigDecimal> w = new TreeMap<>();
        switch (a.rule()) {
            case PRO_RATA -> generated.forEach((m, v) -> {
                if (v > 0) {
                    w.put(m, BigDecimal.valueOf(v));
                }
            });
            case WEIGHTS -> a.weights().forEach((m, v) -> {
                if (members.contains(m)) {
                    w.put(m, v);
                }
            });
            case VALUE -> a.weights().forEach((m, v) -> {
                if (members.contains(m) && v.signum() > 0) {
                    w.put(m, v);
                }
            });
            case EQUAL -> { }
        }
        if (w.isEmpty()) {
            // [SET-7]: nothing to weigh (a flat fee or minimum with no usage, or no weighted member left) is shared equally.
            new TreeSet<>(members).forEach(m -> w.put(m, BigDecimal.ONE));
        }
        if (w.isEmpty()) {
            throw new IllegalArgumentException("there is an amount to pay out and the period has no member to pay it to");
        }
        return w;
    }

    private static InvoiceLine flat(InvoiceLine.Kind kind, Optional<Usage> usage, long amount) {
        return new InvoiceLine(kind, Optional.empty(), usage, 0, 0, 0, 0, amount);
    }

    /** An exact amount in major units to whole minor units, rounded half to even once ([SET-4]). */
    static long minor(BigDecimal major, int digits) {
        return major.movePointRight(digits).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }
}
