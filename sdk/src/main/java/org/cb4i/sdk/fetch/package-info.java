/**
 * Fetching keys, key directories and status lists named by untrusted input under limits ([FET-1]): https only,
 * no redirects, time and size caps, no private addresses, each loosening named. Entry points:
 * {@link org.cb4i.sdk.fetch.BoundedFetcher} and its {@link org.cb4i.sdk.fetch.FetchPolicy}.
 */
package org.cb4i.sdk.fetch;
