/**
 * The collective's rules, without HTTP: {@link org.cb4i.issuer.collective.Collective} (licenses, status lists,
 * strikes, the repertoire, signing statements, collecting usage), {@link org.cb4i.issuer.collective.AdminOps} and
 * {@link org.cb4i.issuer.collective.SettlementAdminOps} (the administration operations the CLI and {@code /admin}
 * share) and {@link org.cb4i.issuer.collective.ClientAuthentication} (who may ask {@code /token}).
 */
package org.cb4i.issuer.collective;
