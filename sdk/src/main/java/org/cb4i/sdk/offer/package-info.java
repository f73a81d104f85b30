/**
 * Offers and their acceptance (SPEC.md §19): the collective's signed terms and price ({@link org.cb4i.sdk.offer.Offer}),
 * and a licensee's signed acceptance of exactly those terms ({@link org.cb4i.sdk.offer.Acceptance}).
 */
package org.cb4i.sdk.offer;
