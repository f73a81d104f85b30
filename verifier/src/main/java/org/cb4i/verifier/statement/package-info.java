/**
 * Checking a settlement statement from the receiving side (SPEC.md [SET-11]): {@link org.cb4i.verifier.statement.StatementCheck}.
 */
package org.cb4i.verifier.statement;
