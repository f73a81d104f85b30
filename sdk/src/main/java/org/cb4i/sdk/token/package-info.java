/**
 * License tokens (SPEC.md §4), the token rules: the claims ({@link org.cb4i.sdk.token.LicenseClaims} and its parts),
 * issuing ({@link org.cb4i.sdk.token.LicenseTokens}) and verifying with a cache
 * ({@link org.cb4i.sdk.token.LicenseTokenVerifier}, giving a {@link org.cb4i.sdk.token.VerifiedLicense}).
 */
package org.cb4i.sdk.token;
