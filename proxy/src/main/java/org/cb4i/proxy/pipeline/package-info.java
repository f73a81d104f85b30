/**
 * A request's way through the proxy: framing checks, the path policy, licensing (token, signature, status, quota),
 * forwarding to the origin, relaying the response while it is hashed, and the receipt. Entry point:
 * {@link org.cb4i.proxy.pipeline.ProxyHandler}; what every event loop shares is {@link org.cb4i.proxy.pipeline.ProxyShared},
 * the configuration in force {@link org.cb4i.proxy.pipeline.SiteState}.
 */
package org.cb4i.proxy.pipeline;
