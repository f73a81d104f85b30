/**
 * Operating the proxy: Prometheus metrics ({@link org.cb4i.proxy.admin.ProxyMetrics}), the admin listener with
 * {@code /healthz} and {@code /readyz} ({@link org.cb4i.proxy.admin.AdminServer}), the JSON access log
 * ({@link org.cb4i.proxy.admin.AccessLogWriter}) and the vocabulary they share, a request's {@link org.cb4i.proxy.admin.Outcome}.
 */
package org.cb4i.proxy.admin;
