/**
 * A site's proxy instances behind one load balancer: each registers where its receipts log is
 * ({@link org.cb4i.proxy.fleet.LogDirectory}, in the quota store's Redis), so that a request for another instance's
 * log reaches that instance instead of a wrong "unknown".
 */
package org.cb4i.proxy.fleet;
