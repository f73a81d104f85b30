/**
 * The collective's license server (SPEC.md §13, §15): issues license tokens to registered licensees under their
 * agreements, serves status lists, the repertoire and its keys, collects usage from members' proxies and settles it,
 * and is administered by the collective. Entry point: {@link org.cb4i.issuer.Issuer} (a running issuer); the rules
 * without HTTP are in {@link org.cb4i.issuer.collective}, usage and statements in {@link org.cb4i.issuer.settlement}.
 */
package org.cb4i.issuer;
