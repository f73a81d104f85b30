/**
 * The collective's license server (SPEC.md §13): issues license tokens to registered licensees under their agreements,
 * serves status lists, the repertoire and its keys, and is administered by the collective. Entry points:
 * {@link org.cb4i.issuer.Issuer} (a running issuer), {@link org.cb4i.issuer.Collective} (the rules, without HTTP) and
 * {@link org.cb4i.issuer.AdminOps} (the administration operations the CLI and {@code /admin} share).
 */
package org.cb4i.issuer;
