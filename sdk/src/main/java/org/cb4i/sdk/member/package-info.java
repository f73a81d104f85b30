/**
 * What a member of a collective signs itself, with one of its content keys: requests that change its consent
 * (SPEC.md [CNS-6]) or act in the collective's decisions ([DEC-6]). Fresh ({@code iat} within 60 s) and never
 * replayed ({@code jti}).
 */
package org.cb4i.sdk.member;
