/**
 * The embedded default of {@code cb4i proxy}: a sample news site served in-process and the configuration that puts
 * the proxy in front of it. Entry points: {@link org.cb4i.proxy.sample.EmbeddedDefault}, {@link org.cb4i.proxy.sample.SampleSite}.
 */
package org.cb4i.proxy.sample;
