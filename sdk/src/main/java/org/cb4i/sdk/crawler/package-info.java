/**
 * The licensed crawler: obtains a license, crawls within it with every request signed, keeps the content in WARC and
 * writes the dataset's manifest with its evidence (SPEC.md §9). Entry points: {@link org.cb4i.sdk.crawler.Crawler}
 * (a crawl, resumable) and {@link org.cb4i.sdk.crawler.TokenClient} (a license from an issuer's {@code /token}).
 */
package org.cb4i.sdk.crawler;
