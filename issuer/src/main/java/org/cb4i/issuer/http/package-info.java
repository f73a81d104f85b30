/**
 * The issuer's HTTP endpoints ({@code /token}, {@code /introspect}, {@code /status/N}, {@code /repertoire},
 * {@code /jwks}, discovery, {@code /admin}): {@link org.cb4i.issuer.http.IssuerEndpoints}.
 */
package org.cb4i.issuer.http;
