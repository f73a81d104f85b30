/**
 * What keeps the proxy's status lists current between their {@code ttl} refreshes: the issuers' change streams
 * ([STS-8]), through which a strike reaches every proxy in well under a second ({@link
 * org.cb4i.proxy.status.StatusChangeSubscriber}).
 */
package org.cb4i.proxy.status;
