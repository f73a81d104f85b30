/**
 * The trust store ([TRS-1]): which collectives, publishers and receipts logs a verifier trusts, with their keys and
 * validity dates ({@link org.cb4i.verifier.trust.TrustStore}).
 */
package org.cb4i.verifier.trust;
