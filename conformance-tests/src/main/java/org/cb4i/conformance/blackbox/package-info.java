/**
 * The black-box suite: a {@link org.cb4i.conformance.blackbox.Testbed} that plays the origin and the collective, the
 * {@link org.cb4i.conformance.blackbox.Catalogue} of checks, a {@link org.cb4i.conformance.blackbox.Runner} and its
 * {@link org.cb4i.conformance.blackbox.Report} (each requirement passed, failed, not applicable or not covered).
 */
package org.cb4i.conformance.blackbox;
