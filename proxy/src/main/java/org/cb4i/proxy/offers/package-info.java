/**
 * The collectives' open offers at the proxy ([OFR-4]): fetched from each collective that names its offers, checked
 * against its keys, and listed in the 402 offer so that a crawler sees the price before it asks.
 */
package org.cb4i.proxy.offers;
