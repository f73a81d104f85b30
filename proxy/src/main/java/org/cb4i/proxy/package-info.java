/**
 * The enforcement proxy: a reverse proxy in front of a member's site that serves licensed crawlers, turns the rest away
 * with a machine-readable offer, and keeps a verifiable receipts log (SPEC.md §10). Entry point:
 * {@link org.cb4i.proxy.Proxy} ({@code start}, {@code reload}, {@code stop}); its configuration is in {@code config}, the
 * request path in {@code pipeline}, the log in {@code receipts}, what it serves itself in {@code endpoints}, and metrics,
 * health and the access log in {@code admin}.
 */
package org.cb4i.proxy;
