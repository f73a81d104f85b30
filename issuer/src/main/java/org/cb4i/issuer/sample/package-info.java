/**
 * The embedded default of {@code cb4i issuer}: a demo collective with one member, one licensee and one agreement
 * ({@link org.cb4i.issuer.sample.EmbeddedDefault}).
 */
package org.cb4i.issuer.sample;
