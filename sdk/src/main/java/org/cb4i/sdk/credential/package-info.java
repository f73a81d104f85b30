/**
 * Content credentials (SPEC.md §7): a publisher's signature over a page's canonical text or a file's bytes.
 * Entry points: {@link org.cb4i.sdk.credential.ContentCredentials} (sign, verify), {@link org.cb4i.sdk.credential.HtmlCredentials}
 * (embed in and read from HTML), {@link org.cb4i.sdk.credential.CredentialFiles} (sign a folder, sidecars for other
 * files); the claims are {@link org.cb4i.sdk.credential.CredentialClaims}.
 */
package org.cb4i.sdk.credential;
