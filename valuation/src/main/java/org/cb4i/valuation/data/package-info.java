/**
 * The texts a valuation reads: the evaluation set (plain UTF-8 files) and a verified dataset's records, grouped by
 * member or publisher, with what was left out and why, and the evaluation texts also found in the training data.
 */
package org.cb4i.valuation.data;
