/**
 * The black-box checks, one class per part of the spec (tokens, possession, status, enforcement, the log, hostile
 * input), each check citing the requirements it tests.
 */
package org.cb4i.conformance.blackbox.checks;
