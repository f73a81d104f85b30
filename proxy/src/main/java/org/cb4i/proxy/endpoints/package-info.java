/**
 * What the proxy answers itself rather than passing to the origin: discovery and terms (robots.txt,
 * {@code /license.xml}, {@code /.well-known/cb4i}, TDMRep; {@link org.cb4i.proxy.endpoints.DiscoveryEndpoints}) and the
 * receipts log's endpoints ({@code checkpoint}, {@code consistency}, {@code proofs}; {@link org.cb4i.proxy.endpoints.LogEndpoints}).
 */
package org.cb4i.proxy.endpoints;
