/**
 * The issuer's configuration: {@link org.cb4i.issuer.config.IssuerConfig}, read by
 * {@link org.cb4i.issuer.config.IssuerConfigLoader} from YAML.
 */
package org.cb4i.issuer.config;
