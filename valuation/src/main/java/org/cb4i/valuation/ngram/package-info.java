/**
 * The utility cb4i ships: a byte-level n-gram language model with interpolated Witten–Bell smoothing, scored in bits
 * per byte on the evaluation texts. Its training is additive in its data (a coalition's model is the sum of its
 * members' count tables), so a coalition is evaluated by adding and removing count tables, never by training again.
 */
package org.cb4i.valuation.ngram;
