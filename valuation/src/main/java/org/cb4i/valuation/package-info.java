/**
 * Data valuation as bargaining evidence (README, "For a collective: what your data is worth"): how much each group of
 * texts (a member's, a publisher's) is worth to a model, as the reduction of that model's bits per byte on an
 * evaluation set. {@link org.cb4i.valuation.game} is the cooperative game (a utility of coalitions),
 * {@link org.cb4i.valuation.estimate} the estimators (leave-one-out, Truncated Monte Carlo Shapley, Data Banzhaf, exact
 * Shapley), {@link org.cb4i.valuation.ngram} the utility cb4i ships (a byte-level n-gram model whose training is additive
 * in its data), {@link org.cb4i.valuation.data} the texts (a verified dataset's records grouped by member or publisher,
 * the evaluation set) and {@link org.cb4i.valuation.report} what a reader gets. No server code.
 */
package org.cb4i.valuation;
