/**
 * The conformance suites, runnable against any implementation: the vectors of protocol-spec and the black-box
 * suite that checks an enforcing proxy from outside. Entry point: {@link org.cb4i.conformance.Main} (the standalone runner).
 */
package org.cb4i.conformance;
