/**
 * Usage and money (SPEC.md §15): the {@link org.cb4i.issuer.settlement.Collector} reads members' receipts logs with
 * the collector key and counts only entries proven under a signed checkpoint ([SET-9]);
 * {@link org.cb4i.issuer.settlement.PeriodSettlement} turns a month's counted usage into signed invoices, payout
 * statements and a summary ([SET-10]) by the rules of {@link org.cb4i.sdk.settlement.Billing}.
 */
package org.cb4i.issuer.settlement;
