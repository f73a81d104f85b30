/**
 * Settlement (SPEC.md §15): an agreement's {@link org.cb4i.sdk.settlement.PriceSchedule} (read and written), and
 * {@link org.cb4i.sdk.settlement.Billing}, the rules that turn a period's usage ({@link org.cb4i.sdk.settlement.UsageTotal})
 * into invoice lines, the collective's fee and members' payouts in whole minor units
 * ({@link org.cb4i.sdk.settlement.LargestRemainder} makes payouts + fee equal the invoice exactly).
 */
package org.cb4i.sdk.settlement;
