/**
 * The proxy's configuration, validated once at the edge: {@link org.cb4i.proxy.config.ProxyConfig} (typed) read by
 * {@link org.cb4i.proxy.config.ConfigLoader} from YAML, every error with its file, line and field.
 */
package org.cb4i.proxy.config;
