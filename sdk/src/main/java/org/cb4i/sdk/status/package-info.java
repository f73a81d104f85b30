/**
 * Revocation and suspension (SPEC.md §6): IETF Token Status Lists. Entry points:
 * {@link org.cb4i.sdk.status.StatusListToken} (sign, verify), {@link org.cb4i.sdk.status.StatusList} (the bitstring) and
 * {@link org.cb4i.sdk.status.StatusListCache} (a proxy's fetched lists, refreshed ahead, last good copy until {@code exp}).
 */
package org.cb4i.sdk.status;
