/**
 * Quotas ([TOK-10]): what one licensee may take from one site, counted per {@link org.cb4i.proxy.quota.QuotaKey}
 * (issuer, licensee, agreement, publisher) and not per license. {@link org.cb4i.proxy.quota.LiveLicenses} applies the
 * smaller limit when a licensee holds several licenses; a {@link org.cb4i.proxy.quota.QuotaStore} counts: in memory
 * ({@link org.cb4i.proxy.quota.LocalQuotaStore}) or shared by a site's instances through Redis
 * ({@link org.cb4i.proxy.quota.RedisQuotaStore}, with the operator's policy for when Redis cannot be reached).
 */
package org.cb4i.proxy.quota;
