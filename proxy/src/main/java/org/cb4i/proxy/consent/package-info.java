/**
 * Member consent at the proxy (SPEC.md §16, [CNS-4], [CNS-5]): the member's signed consent document, fetched from each
 * collective that names a consent endpoint and kept fresh; the licensing stage asks it whether the member opted a
 * request out.
 */
package org.cb4i.proxy.consent;
