/**
 * The issuer's state: members, licensees, agreements, licenses with their status indices, status history, the
 * replay cache and the audit trail, in one database ({@link org.cb4i.issuer.store.IssuerStore}).
 */
package org.cb4i.issuer.store;
