/**
 * The compact-JWS rules every signed cb4i object follows ([JOS-1] to [JOS-7]): size cap, strict base64url and JSON,
 * an algorithm allow-list, exact {@code typ}, no {@code crit}, the key chosen by the caller. Entry point:
 * {@link org.cb4i.sdk.jose.CompactJws} ({@code parse}, {@code verify}, {@code sign}; {@code readUnchecked} to show what
 * a refused token says); {@link org.cb4i.sdk.jose.Base64Url} is the strict codec.
 */
package org.cb4i.sdk.jose;
